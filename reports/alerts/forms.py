"""Forms of the alert pages: an immediate report and the coordinator's acknowledgement."""

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from cases.models import Child
from portal.forms import opt_int
from reports.alerts.immediate import CHOSEN_REASONS, ImmediateInput
from reports.alerts.models import ACTION_LABELS
from reports.monthly.rows import parse_number


class ImmediateForm(FlaskForm):
    """An immediate report about one child."""

    child_id = SelectField("子ども", coerce=opt_int, validators=[InputRequired("子どもを選んでください。")])
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
