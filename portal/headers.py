"""Security headers on every response, through Flask-Talisman, and no caching of anything but static files.

The Content-Security-Policy is the second wall behind the sanitizer: scripts and styles only from
the portal's own files (no inline script, no eval), no plugins, no <base>, no framing by any site,
forms posting only back to the portal. HSTS is sent on https requests (TLS ends at the proxy, which
forwards X-Forwarded-Proto). Pages and downloads may show case data, so none of them is stored by a
browser or a shared cache; static files (scripts, styles, fonts) keep their caching.
"""

from flask import Flask, request

from portal.extensions import talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
PERMISSIONS_POLICY = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
    "browsing-topics": "()",
}


def init_app(app: Flask) -> None:
    """Send the security headers on every response of this app."""
    talisman.init_app(
        app,
        force_https=False,  # the proxy redirects http to https; the portal itself may run behind it on http
        strict_transport_security=True,
        strict_transport_security_max_age=365 * 24 * 3600,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        x_xss_protection=False,  # obsolete; browsers that knew it are gone
        session_cookie_secure=False,  # portal/sessions.py marks it Secure per request (and PORTAL_HTTPS)
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    app.after_request(_no_store)


def _no_store(response):
    """Keep every page and download out of browser and shared caches (static files aside)."""
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response
