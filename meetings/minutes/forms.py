"""Forms of the minutes pages, with Japanese messages; a draft's section fields are read by name."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from meetings.minutes.models import MinutesVersion
from meetings.minutes.services import MinutesEdit, SectionEdit


class MinutesForm(FlaskForm):
    """The header of a draft; each section's fields are named s<section id>-<field>."""

    title = StringField("会議名", validators=[DataRequired("会議名を入力してください。"), Length(max=200)])
    held = StringField("日時", validators=[Length(max=120, message="日時は120字までです。")])
    place = StringField("場所", validators=[Length(max=200, message="場所は200字までです。")])
    remarks = TextAreaField("その他")
    revision = IntegerField("revision", validators=[InputRequired()])

    def to_edit(self, version: MinutesVersion, values) -> MinutesEdit:
        """Return the edit, reading each section's fields from the posted values."""
        sections = {}
        for section in version.sections:
            prefix = f"s{section.id}-"
            sections[section.id] = SectionEdit(
                fields={n: values.get(prefix + n, "") for n in section.fields if prefix + n in values},
                lead_agency=values.get(prefix + "lead_agency", section.lead_agency),
                key_person=values.get(prefix + "key_person", section.key_person),
                next_review=values.get(prefix + "next_review", section.next_review),
            )
        return MinutesEdit(
            title=self.title.data or "",
            held=self.held.data or "",
            place=self.place.data or "",
            remarks=self.remarks.data or "",
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
