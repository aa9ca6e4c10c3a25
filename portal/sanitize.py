"""The one sanitizer: every piece of user HTML passes through clean_html before it is stored or shown.

bleach is used here and nowhere else; a strict Content-Security-Policy is the second wall.
"""

import html

import bleach
from markupsafe import Markup

# The rich-text subset the portal keeps; it is also what the Word export understands.
ALLOWED_TAGS = ["p", "br", "strong", "b", "em", "i", "ul", "ol", "li"]

# Cleaners are reusable and building one costs more than cleaning a short text (uploads clean
# thousands); bleach's Cleaner keeps no state between calls.
_RICH = bleach.Cleaner(tags=ALLOWED_TAGS, attributes={}, protocols=[], strip=True)
_PLAIN = bleach.Cleaner(tags=[], attributes={}, protocols=[], strip=True)


def clean_html(text: str | None) -> str:
    """Return user HTML with everything outside the allowed subset removed."""
    if not text:
        return ""
    return _RICH.clean(text).strip()


def plain_text(text: str | None) -> str:
    """Return (stored, cleaned) HTML as plain text, for summaries, live notices and text fields."""
    if not text:
        return ""
    return html.unescape(_PLAIN.clean(text)).strip()


def render_clean(text: str | None) -> Markup:
    """Return user HTML as markup safe to show, cleaning it here so nothing unclean is marked safe."""
    return Markup(clean_html(text))  # noqa: S704 - the one place cleaned HTML is marked safe
