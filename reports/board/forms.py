"""The reminder form of the submission board."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired


class RemindForm(FlaskForm):
    """Reminders to the agencies that are late with a period's report."""

    period = HiddenField(validators=[DataRequired()])
