"""Forms of the attendance record, with Japanese messages."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from meetings.live.attendance import PersonInput
from portal.forms import choices, opt_int
from portal.refusals import Refusal


class PersonForm(FlaskForm):
    """Adding a person in the room without a device, or of an agency without an account."""

    name = StringField("氏名", validators=[Length(max=60, message="氏名は60字までです。")])
    agency_id = SelectField("機関", coerce=opt_int, validators=[Optional()])
    agency_name = StringField("アカウントのない機関の名前", validators=[Length(max=120)])
    title = StringField("職名・役割", validators=[Length(max=60)])
    late = BooleanField("遅参")
    left_early = BooleanField("早退")

    def fill(self, agencies) -> None:
        """Set the agencies to pick from."""
        self.agency_id.choices = choices(("", "（一覧にない機関）"), *((a.id, a.name) for a in agencies))

    def refuse(self) -> None:
        """Raise the form's errors as one refusal."""
        raise Refusal(*(errors[0] for errors in self.errors.values()))

    def to_input(self) -> PersonInput:
        """Return the typed person."""
        return PersonInput(
            name=self.name.data or "",
            agency_id=self.agency_id.data,
            agency_name=self.agency_name.data or "",
            title=self.title.data or "",
            late=bool(self.late.data),
            left_early=bool(self.left_early.data),
        )


class MarkAttendanceForm(FlaskForm):
    """Marking one person of the record."""

    attended = BooleanField("出席")
    late = BooleanField("遅参")
    left_early = BooleanField("早退")
    note = StringField("備考", validators=[Length(max=120)])
