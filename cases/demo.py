"""Demo cases of みどり市 (SCENARIOS.md): every category, involvement and consent situation."""


def seed_cases() -> None:
    """Add the demo cases."""
