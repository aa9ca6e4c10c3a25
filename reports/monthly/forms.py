"""The monthly report grid's form, read field by field, with Japanese messages."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

from cases.models import Child
from reports.monthly.models import ROW_FIELDS
from reports.monthly.rows import RowInput, parse_number, parse_row


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
