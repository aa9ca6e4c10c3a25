"""The audit log's filter form (read from the query string) and the filters it yields."""

from dataclasses import dataclass
from datetime import date

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from portal.audit import OUTCOME_LABELS
from portal.extensions import db
from portal.forms import strip
from portal.ids import parse_id
from portal.models import Agency, User

ANY = ""  # the "all" choice of a filter
ALL = SelectChoice(ANY, "すべて")
EARLIEST = date(2000, 1, 1)
LATEST = date(2999, 12, 31)

# Suggested in the action box: known codes and the prefixes that select a group of them.
ACTION_SUGGESTIONS = [
    "login.",
    "login.success",
    "login.failure",
    "login.lockout",
    "login.throttled",
    "logout",
    "account.password_change",
    "admin.",
    "audit.",
    "audit.view",
    "audit.export",
    "demo.seed",
]


@dataclass(frozen=True)
class AuditFilters:
    """What an auditor narrowed the log to; None or empty means "all"."""

    actor_id: int | None = None
    agency_id: int | None = None
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    outcome: str = ""

    @property
    def action_is_prefix(self) -> bool:
        """Tell whether the action names a group ("login." or "login.*") rather than one code."""
        return self.action.endswith((".", "*"))

    @property
    def action_prefix(self) -> str:
        """Return the action without a trailing "*"."""
        return self.action.rstrip("*")

    def as_dict(self) -> dict:
        """Return the filters that are set, as JSON-friendly values (for the audit detail)."""
        values = {
            "actor": self.actor_id,
            "agency": self.agency_id,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "outcome": self.outcome,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def _id_or_none(value: str | None) -> int | None:
    """Read an id chosen in a select; raise ValueError when it is not a positive integer."""
    if value in (None, ANY):
        return None
    number = parse_id(value)
    if number is None:
        raise ValueError(value)
    return number


def _date(label: str) -> DateField:
    """A date box that also accepts 2025/04/01 and explains a bad date in Japanese."""
    return DateField(
        label,
        validators=[Optional()],
        format=["%Y-%m-%d", "%Y/%m/%d"],
        invalid_value_message=f"{label}は 2025-04-01 の形で入力してください。",
    )


class AuditFilterForm(FlaskForm):
    """Filter the audit log; GET needs no CSRF token."""

    class Meta:
        csrf = False

    actor = SelectField("利用者", validate_choice=False)
    agency = SelectField("所属機関", validate_choice=False)
    action = StringField(
        "操作",
        filters=[strip],
        validators=[Length(max=60, message="操作は60文字以内で入力してください。")],
    )
    target_type = StringField(
        "対象の種類",
        filters=[strip],
        validators=[Length(max=40, message="対象の種類は40文字以内で入力してください。")],
    )
    target_id = StringField(
        "対象ID",
        filters=[strip],
        validators=[Length(max=40, message="対象IDは40文字以内で入力してください。")],
    )
    date_from = _date("開始日")
    date_to = _date("終了日")
    outcome = SelectField(
        "結果",
        choices=[ALL, *(SelectChoice(value, label) for value, label in OUTCOME_LABELS.items())],
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = db.session.execute(
            select(User.id, User.name, Agency.name).join(Agency).order_by(User.name, User.id)
        ).all()
        self.actor.choices = [ALL, *(SelectChoice(str(i), f"{n}（{a}）") for i, n, a in people)]
        agencies = db.session.execute(select(Agency.id, Agency.name).order_by(Agency.name)).all()
        self.agency.choices = [ALL, *(SelectChoice(str(i), n) for i, n in agencies)]

    def _check_choice(self, field, message: str) -> None:
        """Refuse a value that is not one of the field's choices."""
        if field.data not in (None, ANY) and field.data not in {c.value for c in field.choices}:
            raise ValidationError(message)

    def validate_actor(self, field):
        self._check_choice(field, "指定された利用者が見つかりません。")

    def validate_agency(self, field):
        self._check_choice(field, "指定された所属機関が見つかりません。")

    def validate_outcome(self, field):
        self._check_choice(field, "結果は一覧から選んでください。")

    def validate_date_from(self, field):
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError("開始日は2000年から2999年までの日付を入力してください。")

    def validate_date_to(self, field):
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError("終了日は2000年から2999年までの日付を入力してください。")
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("終了日は開始日より後の日付にしてください。")

    def filters(self) -> AuditFilters:
        """Return the checked filters (call after validate())."""
        return AuditFilters(
            actor_id=_id_or_none(self.actor.data),
            agency_id=_id_or_none(self.agency.data),
            action=self.action.data or "",
            target_type=self.target_type.data or "",
            target_id=self.target_id.data or "",
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            outcome=self.outcome.data or "",
        )

    def query_args(self) -> dict[str, str]:
        """Return the filters as submitted, to carry into page and export links."""
        return {
            name: str(field.raw_data[0])
            for name, field in self._fields.items()
            if field.raw_data and field.raw_data[0] not in (None, "")
        }
