"""The templates' gettext: Flask-Babel's translations, looked up once per request, not per string.

Flask-Babel installs template callables that resolve the domain, the locale and the translations
cache for every `_()`; a ledger page says about 600 of them, which cost it 5 ms of 36. These do the
same lookup once and keep the translations in `g`, where Flask-Babel keeps the locale it selected
(so for exactly as long); the strings, plurals and formatting are Flask-Babel's and Jinja's.
"""

from flask import Flask, g, has_app_context
from flask_babel import get_translations

_KEY = "_portal_translations"


def _translations():
    """Return this request's translations (Flask-Babel's, fetched on first use)."""
    if not has_app_context():
        return get_translations()  # Flask-Babel's dummy translations, as its own callables give
    found = g.get(_KEY)
    if found is None:
        found = get_translations()
        setattr(g, _KEY, found)
    return found


def install(app: Flask) -> None:
    """Replace Flask-Babel's template callables with ones that look the translations up once."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
