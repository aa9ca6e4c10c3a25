"""Sharing a case: involvements and their statutory grants, consents and withdrawals, emergency shares."""
