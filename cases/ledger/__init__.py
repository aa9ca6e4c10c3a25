"""The joint ledger (進行管理台帳): registration, the ledger fields with history, reading, search, exports."""
