"""The portal shell: the app factory that wires extensions, blueprints, commands and helpers."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import i18n, startup
from portal.config import ROOT, build_config
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
from portal.ids import IdConverter


def create_app(overrides: dict | None = None) -> Flask:
    """Create and configure one portal app."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(build_config(app.instance_path, overrides))
    startup.check(app)
    app.url_map.converters["id"] = IdConverter
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    from portal import sessions

    proxies = int(os.environ.get("PORTAL_PROXY_COUNT", "0"))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.session_interface = sessions.PortalSessionInterface()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "このページを見るにはログインしてください。"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "ja", timezone_selector=lambda: "Asia/Tokyo")
    i18n.install(app)
    limiter.init_app(app)
    socketio.init_app(
        app,
        async_mode="threading",
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        # Never [] (that turns the Origin check off): a page of another site must not connect.
        cors_allowed_origins=app.config["SOCKETIO_ALLOWED_ORIGINS"],
        manage_session=False,
    )
    app.before_request(sessions.before_request)
    from portal import forms

    forms.init_app(app)
    from portal import headers

    headers.init_app(app)
    from portal import realtime

    realtime.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Register the shell's blueprints, then each feature's."""
    import agencies
    import cases
    import figures
    import meetings
    import reports
    from portal import health, home
    from portal.auditlog import views as auditlog
    from portal.auth import two_factor_views
    from portal.auth import views as auth_views

    app.register_blueprint(auth_views.bp)
    app.register_blueprint(two_factor_views.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(auditlog.bp)
    agencies.init_app(app)
    cases.init_app(app)
    reports.init_app(app)
    meetings.init_app(app)
    figures.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """Attach the Japanese error pages."""
    from portal.errors import register_errorhandlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Expose date, role and sanitizer helpers to every template."""
    from portal import dates
    from portal.home import nav_items
    from portal.models import ROLE_LABELS, Role
    from portal.sanitize import render_clean

    app.jinja_env.filters["wareki"] = dates.wareki
    app.jinja_env.filters["wareki_dt"] = dates.wareki_datetime
    app.jinja_env.filters["fiscal_year_label"] = dates.fiscal_year_label
    app.jinja_env.filters["clean_html"] = render_clean
    app.jinja_env.globals.update(
        Role=Role, ROLE_LABELS=ROLE_LABELS, nav_items=nav_items, today=dates.today_in_japan
    )


def register_commands(app: Flask) -> None:
    """Add the shell's flask commands, and `flask seed-demo` of the demo town (which composes features)."""
    import demo
    from portal import cli

    cli.register(app)
    demo.init_app(app)
