"""The auditor's view of the audit log (監査ログ): filter, page through, export."""
