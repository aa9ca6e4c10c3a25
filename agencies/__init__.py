"""Managing councils, member agencies, agency kinds and people (system administrators only)."""


def init_app(app) -> None:
    """Register the agencies blueprint."""
    from agencies.views import bp

    app.register_blueprint(bp)
