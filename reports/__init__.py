"""Reports from schools and nurseries: monthly status reports, immediate reports, alerts, reminders."""


def init_app(app) -> None:
    """Register the reports blueprint, menu links, home panels, demo data and audit labels."""
    from reports import models  # noqa: F401 - the tables exist once the feature is set up
