"""Forms of the file upload: the file and the confirmation of a checked file."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired


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
