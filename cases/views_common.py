"""The cases blueprint and the small helpers its view modules share."""

from urllib.parse import quote

from flask import Blueprint, Response
from flask_login import current_user

from portal.models import User

bp = Blueprint("cases", __name__, url_prefix="/cases")


def me() -> User:
    """Return the logged-in person."""
    return current_user._get_current_object()


def refuse(form, error) -> None:
    """Show a service's refusal (CaseError or SharingError) on the form, keeping what was typed."""
    form.form_errors.extend(error.messages)


def attachment(content: bytes, mimetype: str, filename: str, fallback: str) -> Response:
    """Return a download with a Japanese file name (RFC 5987) and an ASCII fallback for old clients."""
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    # Case data must not linger in shared caches or the browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response
