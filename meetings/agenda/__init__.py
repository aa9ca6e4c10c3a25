"""The agenda built from the ledger (triage) and the meeting packet (会議資料)."""
