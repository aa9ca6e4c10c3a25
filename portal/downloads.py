"""Files the portal hands out: a download with a Japanese name, kept out of every cache."""

from urllib.parse import quote

from flask import Response


def attachment(content: bytes, mimetype: str, filename: str, fallback: str) -> Response:
    """Return a download with a Japanese file name (RFC 5987) and an ASCII fallback for old clients."""
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    # Case data must not linger in shared caches or the browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response
