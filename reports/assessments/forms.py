"""The assessment sheet form, with Japanese messages."""

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from reports.assessments.models import SCALE_MAX, SCALE_MIN, AssessmentSign
from reports.assessments.services import MAX_TEXT, SheetInput


class AssessmentForm(FlaskForm):
    """One agency's assessment sheet for one case."""

    assessed_on = DateField(
        "記入日（確認した日）", validators=[InputRequired("記入日を入力してください。")], format="%Y-%m-%d"
    )
    signs = SelectMultipleField(
        "見られる兆候（当てはまるものすべて）",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )
    recent_actions = TextAreaField(
        "最近の対応（いつ・誰が・何をしたか）",
        validators=[
            InputRequired("最近の対応を入力してください。"),
            Length(max=MAX_TEXT, message=f"{MAX_TEXT}文字以内で入力してください。"),
        ],
    )
    safety_scale = RadioField(
        "セーフティスケール（0＝まったく安全でない、10＝安全）",
        coerce=int,
        choices=[SelectChoice(n, str(n)) for n in range(SCALE_MIN, SCALE_MAX + 1)],
        validators=[InputRequired("セーフティスケールを選んでください。")],
    )
    comment = TextAreaField(
        "所見・心配なこと",
        validators=[Length(max=MAX_TEXT, message=f"{MAX_TEXT}文字以内で入力してください。")],
    )

    def __init__(self, signs: list[AssessmentSign], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signs.choices = [SelectChoice(s.id, s.label) for s in signs]

    def to_input(self) -> SheetInput:
        """Return what was typed."""
        return SheetInput(
            assessed_on=self.assessed_on.data,
            sign_ids=list(self.signs.data or []),
            recent_actions=self.recent_actions.data or "",
            safety_scale=self.safety_scale.data,
            comment=self.comment.data or "",
        )
