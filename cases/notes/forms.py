"""The case note form (経過記録)."""

from flask_wtf import FlaskForm
from wtforms import (
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired

from cases import codes
from portal.dates import today_in_japan
from portal.forms import (
    at_most,
    choices,
    date_field,
    lines,
    opt_int,
    required,
)


class NoteForm(FlaskForm):
    """Write a case note (経過記録)."""

    occurred_on = date_field("日付", required=True, default=today_in_japan)
    kind = SelectField("記録の種類", [DataRequired("記録の種類を選んでください。")], default="")
    child_id = SelectField("対象", coerce=opt_int)
    body = TextAreaField("内容", [required("内容"), at_most(20000)], filters=[lines])

    def __init__(self, targets: list[tuple], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(*codes.choices("note_kind", blank="選んでください"))
        self.child_id.choices = choices(*targets)
