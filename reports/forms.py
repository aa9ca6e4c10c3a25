"""Forms of the report pages, with Japanese messages; the report grid is read field by field."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from cases.models import Child
from reports.immediate import CHOSEN_REASONS, ImmediateInput
from reports.models import ACTION_LABELS, ROW_FIELDS
from reports.rows import RowInput, parse_number, parse_row


def cell_name(child_id: int, name: str) -> str:
    """Return the form name of one cell of the report grid."""
    return f"r{child_id}-{name}"


class SheetForm(FlaskForm):
    """The report grid's own fields: the period's school days and which button was pressed."""

    school_days = StringField("授業・開所日数")
    action = HiddenField()

    def school_days_value(self) -> tuple[int | None, str | None]:
        """Return the school days typed, or the problem with them."""
        return parse_number(self.school_days.data)


def read_grid(formdata, children: list[Child]) -> tuple[list[RowInput], dict[int, dict]]:
    """Return each child's parsed line and the text exactly as typed (to show it again on refusal)."""
    rows, typed = [], {}
    for child in children:
        raw = {name: formdata.get(cell_name(child.id, name), "") for name in ROW_FIELDS}
        typed[child.id] = raw
        rows.append(parse_row(child.id, raw))
    return rows, typed


def typed_from_rows(rows: dict) -> dict[int, dict]:
    """Return saved rows as the text the grid shows."""
    typed = {}
    for child_id, row in rows.items():
        values = row.values()
        typed[child_id] = {k: "" if v is None else str(v) for k, v in values.items()}
    return typed


def _opt_int(value):
    """Coerce a choice or a typed number to int, or None when blank."""
    if value in ("", None):
        return None
    return int(value)


class ImmediateForm(FlaskForm):
    """An immediate report about one child."""

    child_id = SelectField("子ども", coerce=_opt_int, validators=[InputRequired("子どもを選んでください。")])
    reason = RadioField(
        "報告の理由",
        choices=[SelectChoice(r.value, r.label) for r in CHOSEN_REASONS],
        validators=[InputRequired("報告の理由を選んでください。")],
    )
    occurred_on = DateField(
        "日付（確認した日）", validators=[InputRequired("日付を入力してください。")], format="%Y-%m-%d"
    )
    consecutive_absent_days = StringField("連続欠席日数", validators=[Optional()])
    body = TextAreaField("見たこと・気になること・分かっている事情", validators=[Length(max=4000)])

    def __init__(self, children: list[Child], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.child_id.choices = [SelectChoice("", "選んでください")] + [
            SelectChoice(c.id, f"{c.name}（{c.grade_class}）" if c.grade_class else c.name) for c in children
        ]

    def to_input(self) -> ImmediateInput | None:
        """Return what was typed, or None after adding the problem with the day count."""
        days, problem = parse_number(self.consecutive_absent_days.data)
        if problem:
            self.consecutive_absent_days.errors = [*self.consecutive_absent_days.errors, problem]
            return None
        return ImmediateInput(
            child_id=self.child_id.data,
            reason=self.reason.data,
            occurred_on=self.occurred_on.data,
            consecutive_absent_days=days,
            body=self.body.data or "",
        )


class AcknowledgeForm(FlaskForm):
    """The coordinator's acknowledgement of an alert and what was done."""

    action = SelectField(
        "対応",
        choices=[SelectChoice("", "選んでください")] + [SelectChoice(k, v) for k, v in ACTION_LABELS.items()],
        validators=[DataRequired("対応した内容を選んでください。")],
    )
    note = TextAreaField("対応の記録（誰が・いつ・何を）", validators=[Length(max=2000)])


class UploadForm(FlaskForm):
    """A month's report as a file made from the template."""

    file = FileField(
        "ファイル（.xlsx または .csv）",
        validators=[
            FileRequired("ファイルを選んでください。"),
            FileAllowed(["xlsx", "csv"], "Excel（.xlsx）またはCSVファイルを選んでください。"),
        ],
    )
    school_days = StringField(
        "授業・開所日数", validators=[DataRequired("授業・開所日数を入力してください。")]
    )


class ConfirmUploadForm(FlaskForm):
    """The confirmation of a checked file."""

    token = HiddenField(validators=[DataRequired()])
    action = HiddenField()


class RemindForm(FlaskForm):
    """Reminders to the agencies that are late with a period's report."""

    period = HiddenField(validators=[DataRequired()])
