"""Forms of the minutes pages, with Japanese messages; a draft's section fields are read by name."""

import re

from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from meetings.minutes.models import MinutesVersion
from meetings.minutes.services import MinutesEdit, SectionEdit
from portal.sanitize import plain_text

# The editor (static/meetings/minutes-editor.js) posts a field's HTML under its own name; without
# script the page posts the plain text typed in the textarea under the name with this suffix.
TEXT_SUFFIX = "-text"


def as_lines(stored: str) -> str:
    """Return stored (cleaned) HTML as lines of plain text for the textarea shown without script."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>", "\n", stored or "")
    text = re.sub(r"(?i)<li[^>]*>", "・", text)
    return "\n".join(line.strip() for line in plain_text(text).splitlines() if line.strip())


def text_to_html(text: str) -> str:
    """Return typed lines as paragraphs (escaped; the service cleans what it stores)."""
    return "".join(f"<p>{escape(line.strip())}</p>" for line in (text or "").splitlines() if line.strip())


def rich_value(values, name: str) -> str | None:
    """Return a rich field as posted: the editor's HTML, or the plain text typed without script."""
    if name in values:
        return values.get(name, "")
    if name + TEXT_SUFFIX in values:
        return text_to_html(values.get(name + TEXT_SUFFIX, ""))
    return None


class MinutesForm(FlaskForm):
    """The header of a draft; each section's fields are named s<section id>-<field>."""

    title = StringField("会議名", validators=[DataRequired("会議名を入力してください。"), Length(max=200)])
    held = StringField("日時", validators=[Length(max=120, message="日時は120字までです。")])
    place = StringField("場所", validators=[Length(max=200, message="場所は200字までです。")])
    remarks = TextAreaField("その他")  # posted by the editor under "remarks" (see rich_value)
    revision = IntegerField("revision", validators=[InputRequired()])

    def to_edit(self, version: MinutesVersion, values) -> MinutesEdit:
        """Return the edit, reading each section's fields from the posted values."""
        sections = {}
        for section in version.sections:
            prefix = f"s{section.id}-"
            posted = {n: rich_value(values, prefix + n) for n in section.fields}
            sections[section.id] = SectionEdit(
                fields={n: v for n, v in posted.items() if v is not None},
                lead_agency=values.get(prefix + "lead_agency", section.lead_agency),
                key_person=values.get(prefix + "key_person", section.key_person),
                next_review=values.get(prefix + "next_review", section.next_review),
            )
        return MinutesEdit(
            title=self.title.data or "",
            held=self.held.data or "",
            place=self.place.data or "",
            remarks=rich_value(values, "remarks") or "",
            sections=sections,
        )


class CorrectionForm(FlaskForm):
    """Start a correction of confirmed minutes."""

    reason = TextAreaField(
        "訂正の理由",
        validators=[
            DataRequired("訂正の理由を入力してください。"),
            Length(max=2000, message="訂正の理由は2000字までです。"),
        ],
    )


class HandoutsForm(FlaskForm):
    """Whether handouts are collected after the meeting."""

    collect = BooleanField("配付資料は会議終了後に回収する")
    submitted = HiddenField(default="1")
