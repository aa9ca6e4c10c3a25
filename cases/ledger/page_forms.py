"""Small forms of the ledger and case pages: the ledger's columns, adding a child (a birth) to a case."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField

from cases.choices import agency_pairs, member_agencies
from cases.ledger.columns import OPTIONAL_COLUMNS
from cases.ledger.registration import ChildInput
from cases.models import Case
from portal.forms import MultiCheckboxField, at_most, choices, date_field, opt_int, strip


class AddChildForm(FlaskForm):
    """Add a child to a case (a baby born to a 特定妊婦, a sibling)."""

    name = StringField("氏名", [at_most(60)], filters=[strip])
    name_kana = StringField("ふりがな", [at_most(60)], filters=[strip])
    birth_date = date_field("生年月日", not_future=True)
    enrolled_agency_id = SelectField("所属（保育所等）", coerce=opt_int)

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = agency_pairs(member_agencies([case.council]))
        self.enrolled_agency_id.choices = choices(*[("", "（なし）"), *members])

    def to_input(self) -> ChildInput:
        """Return the typed child."""
        return ChildInput(
            self.name.data or "",
            self.name_kana.data or "",
            self.birth_date.data,
            "",
            self.enrolled_agency_id.data,
        )


class ColumnsForm(FlaskForm):
    """Choose the ledger's optional columns and its compact mode (remembered per person)."""

    columns = MultiCheckboxField("表示する列", choices=choices(*OPTIONAL_COLUMNS.items()))
    compact = BooleanField("コンパクト表示（1画面に多くのケース）")
