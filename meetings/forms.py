"""Forms of the meeting pages, with Japanese messages."""

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cases.choices import section_choices
from cases.ledger.pickers import case_labels
from meetings.agenda.services import ItemInput
from meetings.models import ItemKind, Mark, Tier
from meetings.services import JST, Household, MeetingInput
from portal.forms import MultiCheckboxField, choices, opt_int
from portal.gates import me

HOUSEHOLD_LABEL = "世帯全体（ほかの子ども・保護者・世帯の状況）も共有する機関"


def case_choices(cases, blank: bool = True) -> list[SelectChoice]:
    """Return the cases to pick from: the number and the children's names the person may see."""
    labels = case_labels(me(), list(cases))
    return choices(*([("", "（なし）")] if blank else []), *((c.id, labels[c.id]) for c in cases))


class MeetingForm(FlaskForm):
    """Scheduling a meeting."""

    council_id = SelectField("協議会", coerce=int, validators=[InputRequired("協議会を選んでください。")])
    tier = SelectField("会議の種類", validators=[DataRequired("会議の種類を選んでください。")])
    title = StringField("会議名", validators=[DataRequired("会議名を入力してください。"), Length(max=120)])
    section = SelectField("部会（実務者会議を部会で開くとき）", validators=[Optional()])
    case_id = SelectField("対象ケース（個別ケース検討会議）", coerce=opt_int, validators=[Optional()])
    day = DateField("開催日", validators=[DataRequired("開催日を入力してください。")])
    time = TimeField("開始時刻", validators=[DataRequired("開始時刻を入力してください。")])
    minutes_planned = IntegerField(
        "予定時間（分）", default=90, validators=[NumberRange(10, 480, "10〜480分で入力してください。")]
    )
    place = StringField("場所", validators=[Length(max=120)])
    online_url = StringField("オンライン会議のリンク", validators=[Length(max=300)])
    agency_ids = MultiCheckboxField("招待する機関", coerce=int)
    user_ids = MultiCheckboxField("個別に招待する人", coerce=int)
    household_agency_ids = MultiCheckboxField(
        "世帯全体（ほかの子ども・保護者・世帯の状況）も共有する機関", coerce=int
    )
    household_reason = StringField("世帯全体を共有する理由", validators=[Length(max=200)])

    def fill_choices(self, councils, cases, agencies, people) -> None:
        """Set the choices the person may pick from."""
        self.council_id.choices = choices(*((c.id, c.name) for c in councils))
        self.tier.choices = choices(
            *((t.value, t.name_in(councils[0]) if councils else t.value) for t in Tier)
        )
        self.case_id.choices = case_choices(cases)
        self.section.choices = section_choices(councils, "（部会に分けない）")
        self.agency_ids.choices = choices(*((a.id, a.name) for a in agencies))
        self.household_agency_ids.choices = self.agency_ids.choices
        self.user_ids.choices = choices(*((u.id, f"{u.agency.name} {u.name}") for u in people))

    def to_input(self) -> MeetingInput:
        """Return the typed meeting."""
        starts = datetime.combine(self.day.data, self.time.data, tzinfo=JST)
        return MeetingInput(
            council_id=self.council_id.data,
            tier=self.tier.data,
            title=self.title.data or "",
            starts_at=starts,
            minutes_planned=self.minutes_planned.data or 90,
            place=self.place.data or "",
            online_url=self.online_url.data or "",
            section=self.section.data or "",
            case_id=self.case_id.data,
            agency_ids=list(self.agency_ids.data or []),
            user_ids=list(self.user_ids.data or []),
            household_agency_ids=list(self.household_agency_ids.data or []),
            household_reason=self.household_reason.data or "",
        )


class ItemForm(FlaskForm):
    """Adding an agenda item."""

    kind = SelectField("種類", choices=choices(*((k.value, k.label) for k in ItemKind)))
    title = StringField("議題", validators=[Length(max=200)])
    presenter = StringField("説明者", validators=[Length(max=120)])
    planned_minutes = IntegerField(
        "予定時間（分）", default=10, validators=[NumberRange(1, 240, "1〜240分で入力してください。")]
    )
    case_id = SelectField("ケース", coerce=opt_int, validators=[Optional()])
    linked_case_ids = SelectMultipleField("あわせて扱うケース（きょうだい等、複数可）", coerce=int)

    def fill_cases(self, cases) -> None:
        """Set the cases the item may take up."""
        self.case_id.choices = case_choices(cases)
        self.linked_case_ids.choices = case_choices(cases, blank=False)

    def to_input(self) -> ItemInput:
        """Return the typed item."""
        return ItemInput(
            kind=self.kind.data,
            title=self.title.data or "",
            presenter=self.presenter.data or "",
            planned_minutes=self.planned_minutes.data or 5,
            case_id=self.case_id.data,
            linked_case_ids=list(self.linked_case_ids.data or []),
        )


class MarkForm(FlaskForm):
    """Overriding a case's triage mark and writing its draft policy."""

    mark = SelectField("区分", choices=choices(*((m.value, m.label) for m in Mark)))
    draft_policy = TextAreaField("方針案（共有のみのケースは会議で一括承認）", validators=[Length(max=5000)])


class RecorderForm(FlaskForm):
    """Naming the meeting's 記録係."""

    recorder_id = SelectField("記録係", coerce=opt_int, validators=[Optional()])

    def fill(self, people) -> None:
        """Set the people who may be named."""
        self.recorder_id.choices = choices(
            ("", "（なし）"), *((u.id, f"{u.agency.name} {u.name}") for u in people)
        )


class InviteForm(FlaskForm):
    """Inviting more agencies."""

    agency_ids = MultiCheckboxField("追加で招待する機関", coerce=int)
    household_agency_ids = MultiCheckboxField(
        "世帯全体（ほかの子ども・保護者・世帯の状況）も共有する機関", coerce=int
    )
    household_reason = StringField("世帯全体を共有する理由", validators=[Length(max=200)])

    def fill(self, agencies) -> None:
        """Set the agencies that may be invited."""
        self.agency_ids.choices = choices(*((a.id, a.name) for a in agencies))
        self.household_agency_ids.choices = self.agency_ids.choices

    def household(self) -> Household:
        """Return the household share the coordinator ticked."""
        return Household(set(self.household_agency_ids.data or []), self.household_reason.data or "")
