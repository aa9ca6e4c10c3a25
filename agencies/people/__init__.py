"""People (利用者): accounts, roles, disabling, password resets, unlocking."""
