"""The one sanitizer: every piece of user HTML passes through clean_html before it is stored or shown."""

import bleach
from markupsafe import Markup

# The rich-text subset the portal keeps; it is also what the Word export understands.
ALLOWED_TAGS = ["p", "br", "strong", "b", "em", "i", "ul", "ol", "li"]


def clean_html(text: str | None) -> str:
    """Return user HTML with everything outside the allowed subset removed."""
    if not text:
        return ""
    return bleach.clean(text, tags=ALLOWED_TAGS, attributes={}, protocols=[], strip=True).strip()


def render_clean(text: str | None) -> Markup:
    """Return user HTML as markup safe to show, cleaning it here so nothing unclean is marked safe."""
    return Markup(clean_html(text))  # noqa: S704 - the one place cleaned HTML is marked safe
