"""The form fields and helpers every feature's forms share: trimming, Japanese messages, choices, refusals.

Messages say in Japanese what is missing or wrong; filters fold what people type (full-width spaces,
line breaks) so an untouched field compares equal to what is stored.
"""

import unicodedata

from flask import flash
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import or_, select
from wtforms import DateField, Form, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, Select

from portal.extensions import db
from portal.ids import parse_id
from portal.models import Agency, AgencyKind, Council
from portal.refusals import Refusal

ANY = ""  # the value of the "all" choice of a filter
ALL = "すべて"


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


def date_field(label: str, required: bool = False, **kwargs) -> DateField:
    """Return a date field with a Japanese message when it is required."""
    validators = [InputRequired(f"{label}を入力してください。")] if required else [Optional()]
    return DateField(label, validators, **kwargs)


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
