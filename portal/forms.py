"""The form fields and helpers every feature's forms share: trimming, Japanese messages, choices, refusals.

Messages say in Japanese what is missing or wrong; filters fold what people type (full-width spaces,
line breaks) so an untouched field compares equal to what is stored.
"""

import unicodedata
from functools import cache

from babel import support
from flask import Flask, flash, request
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import or_, select
from wtforms import DateField, Form, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import DefaultTranslations, messages_path
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, Select

from portal.dates import today_in_japan
from portal.extensions import db
from portal.ids import parse_id
from portal.models import Agency, AgencyKind, Council
from portal.refusals import Refusal

ANY = ""  # the value of the "all" choice of a filter
ALL = "すべて"

# WTForms' own Japanese catalogue lacks some messages (a multi-select answers "'x' is not a valid
# choice for this field.") and words some in programmers' terms (型変換); these take precedence, for
# every form of the portal.
PICK_AGAIN = "選べない項目が含まれています。選び直してください。"
MESSAGES = {
    "'%(value)s' is not a valid choice for this field.": PICK_AGAIN,
    "Invalid choice(s): one or more data inputs could not be coerced.": PICK_AGAIN,
    "Invalid Choice: could not coerce.": "選べない項目です。選び直してください。",
    "Field must be exactly %(max)d character long.": "%(max)d文字で入力してください。",
    "Date must be at least %(min)s.": "%(min)s以降の日付を入力してください。",
    "Date must be at most %(max)s.": "%(max)s以前の日付を入力してください。",
    "Date must be between %(min)s and %(max)s.": "%(min)sから%(max)sまでの日付を入力してください。",
    "Not a valid week value.": "週を正しく入力してください。",
    "This field cannot be edited.": "この項目は変更できません。",
    "This field is disabled and cannot have a value.": "この項目は入力できません。",
    "Choices cannot be None.": "選択肢がありません。",
}


class JapaneseCatalog:
    """WTForms' Japanese messages with the portal's own taking precedence (gettext and ugettext)."""

    def __init__(self):
        self.base = support.Translations.load(messages_path(), ["ja"], domain="wtforms")

    def ugettext(self, string: str) -> str:
        """Translate one message."""
        return MESSAGES.get(string) or self.base.ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a message with a count (Japanese has one form for every count)."""
        return MESSAGES.get(singular) or self.base.ungettext(singular, plural, n)

    gettext, ngettext = ugettext, ungettext


@cache
def catalog() -> JapaneseCatalog:
    """Return the one catalogue (loaded once)."""
    return JapaneseCatalog()


def init_app(app: Flask) -> None:
    """Give every Flask-WTF form of a request the portal's Japanese messages."""

    def use_japanese() -> None:
        # Flask-WTF reads the catalogue it caches on the request; this puts ours there first.
        request.wtforms_translations = catalog()

    app.before_request(use_japanese)


def strip(value):
    """Trim surrounding spaces (full-width ones too) from typed text."""
    return value.strip() if isinstance(value, str) else value


def lines(value):
    """Use one kind of line break, so an untouched textarea compares equal to what is stored."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def nfkc(value):
    """Fold full-width digits and half-width kana to their usual forms."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def opt_int(value):
    """Coerce a choice to an id, or None for the blank choice; anything else is no valid choice."""
    if value in ("", None):
        return None
    number = parse_id(value)
    if number is None:
        raise ValueError(value)
    return number


def required(what: str) -> DataRequired:
    """Require a typed value, saying which one is missing."""
    return DataRequired(f"{what}を入力してください。")


def chosen(what: str) -> DataRequired:
    """Require a choice (a placeholder such as 0 or "" is no choice), saying which one is missing."""
    return DataRequired(f"{what}を選んでください。")


def at_most(n: int) -> Length:
    """Limit the length of typed text to what the column holds."""
    return Length(max=n, message=f"{n}文字以内で入力してください。")


def date_field(label: str, required: bool = False, not_future: bool = False, **kwargs) -> DateField:
    """Return a date field with Japanese messages; `not_future` refuses a day after today in Japan."""
    validators = [InputRequired(f"{label}を入力してください。")] if required else [Optional()]
    if not_future:
        validators.append(NotInFuture(label))
    return DateField(label, validators, **kwargs)


class NotInFuture:
    """Refuse a date after today in Japan (Asia/Tokyo), whatever the server's own zone."""

    def __init__(self, label: str):
        self.message = f"{label}に未来の日付は入力できません。"

    def __call__(self, form, field) -> None:
        """Stop validation when the date is after today."""
        if field.data is not None and field.data > today_in_japan():
            raise StopValidation(self.message)


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AtLeastOne:
    """Require one checked box; unlike DataRequired it marks no single checkbox `required`."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field) -> None:
        """Stop validation when no box is checked."""
        if not field.data:
            raise StopValidation(self.message)


class Row(Form):
    """A repeated row of a form (a child, a guardian, a support); messages in Japanese like the page's."""

    class Meta:
        locales = ("ja_JP", "ja")

        def get_translations(self, form):
            """Use the portal's Japanese messages, as the page's own form does."""
            return DefaultTranslations(catalog())


class FilterForm(FlaskForm):
    """Filters read from the query string; GET needs no CSRF token."""

    class Meta:
        csrf = False


def choices(*pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class LongSelect(Select):
    """wtforms' select, writing each plain option straight out: the same HTML, for lists of hundreds.

    wtforms builds every option's attributes through html_params (sorted, escaped, one Markup each),
    which for the ledger's two lists of ~300 agencies took longer than the rest of the page.
    """

    @classmethod
    def render_option(cls, choice, **kwargs):
        """Return one option as wtforms writes it ("selected" before "value", both escaped)."""
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')  # noqa: S704 - escaped


def agency_choices(current_id: int | None, placeholder: str) -> list[SelectChoice]:
    """Return active agencies (and the current one, even if inactive) as select choices."""
    query = select(Agency).where(or_(Agency.active.is_(True), Agency.id == (current_id or 0)))
    agencies = db.session.scalars(query.order_by(Agency.name)).all()
    return choices((0, placeholder), *((a.id, f"{a.name}（{a.kind.name}）") for a in agencies))


def kind_choices(current_id: int | None, placeholder: str, empty: int | str = 0) -> list[SelectChoice]:
    """Return active agency kinds (and the current one) in their sort order."""
    query = select(AgencyKind).where(or_(AgencyKind.active.is_(True), AgencyKind.id == (current_id or 0)))
    kinds = db.session.scalars(query.order_by(AgencyKind.sort_order, AgencyKind.name)).all()
    return choices((empty, placeholder), *((k.id, k.name) for k in kinds))


def council_choices() -> list[tuple[int, str]]:
    """Return every council, active ones first."""
    councils = db.session.scalars(select(Council).order_by(Council.active.desc(), Council.name)).all()
    return [(c.id, c.name if c.active else f"{c.name}（休止中）") for c in councils]


def int_or_none(value):
    """Read an optional id from the query string; anything else means "all"."""
    return parse_id(value)


def show_refusal(form, refusal: Refusal, *, flash_whole: bool = False) -> None:
    """Put a service's refusal on the form, keeping what was typed.

    Messages about one field go next to it; messages about the whole form go to `form.form_errors`
    (shown at the top by the page), or are flashed with `flash_whole`.
    """
    for name, messages in refusal.errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, *messages]
        elif flash_whole:
            for message in messages:
                flash(message, "error")
        else:
            form.form_errors.extend(messages)
