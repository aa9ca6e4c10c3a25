"""The long-list select writes the very HTML of wtforms' own select, only faster."""

import pytest
from wtforms import Form, SelectField
from wtforms.widgets import Select

from portal.forms import LongSelect, opt_int


class _Both(Form):
    plain = SelectField(coerce=opt_int)
    quick = SelectField(coerce=opt_int, widget=LongSelect())


@pytest.mark.parametrize("data", [None, 3, 7])
def test_the_options_are_written_as_wtforms_writes_them(data):
    """Selected, escaped labels and values, the blank choice: character for character the same."""
    pairs = [("", "すべて"), (3, 'A&B "校"'), (7, "<b>ひなた</b>"), (9, "")]
    form = _Both(data={"plain": data, "quick": data})
    form.plain.choices = form.quick.choices = pairs
    assert isinstance(form.plain.widget, Select)
    assert str(form.quick()).replace('name="quick"', "").replace('id="quick"', "") == str(
        form.plain()
    ).replace('name="plain"', "").replace('id="plain"', "")
