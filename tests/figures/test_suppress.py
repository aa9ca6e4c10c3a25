"""Small counts: 1–2 become 3未満, and a 計 never lets a hidden count be worked out."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from figures.rules import SMALL, WITHHELD
from figures.suppress import grid
from figures.tables import Row, Table


def _table(values: list[int], total: bool = True, small: bool = True) -> Table:
    rows = [Row(f"r{i}", [v, 0]) for i, v in enumerate(values)]
    if total:
        rows.append(Row("計", [sum(values), 0], total=True))
    return Table("t", "t", "", ["ケース"], rows, small=small)


def _shown(values, **kw) -> list[str]:
    return [str(row[0]) for row in grid(_table(values, **kw), hide=True)]


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ([5, 7, 0], ["5", "7", "0", "12"]),
        ([1, 7, 5], ["3未満", "7", "＊", "13"]),
        ([2, 2, 9], ["3未満", "3未満", "＊", "13"]),
        ([3, 1, 0], ["＊", "3未満", "0", "＊"]),
        ([2, 0, 0], ["3未満", "0", "0", "3未満"]),
    ],
)
def test_small_counts_and_the_number_withheld_beside_them(values, shown):
    assert _shown(values) == shown


def test_tables_that_count_no_case_and_the_page_keep_every_number():
    assert _shown([1, 7], small=False) == ["1", "7", "8"]
    assert [str(r[0]) for r in grid(_table([1, 7]), hide=False)] == ["1", "7", "8"]


@given(st.lists(st.integers(0, 12), min_size=1, max_size=6))
def test_no_hidden_count_can_be_worked_out_from_the_total(values):
    """Every way of filling the hidden cells that fits what is shown leaves each small one 1 or 2."""
    cells = [row[0] for row in grid(_table(values), hide=True)]
    body, total = cells[:-1], cells[-1]
    if total.hidden:
        return
    hidden = [i for i, c in enumerate(body) if c.hidden]
    shown_sum = sum(c.value for c in body if not c.hidden)
    choices = [range(1, 3) if body[i].text == SMALL else range(3, 40) for i in hidden]
    fits = [combo for combo in itertools.product(*choices) if shown_sum + sum(combo) == total.value]
    for position, i in enumerate(hidden):
        if body[i].text == SMALL:
            assert {combo[position] for combo in fits} == {1, 2}, (values, [str(c) for c in cells])
    assert all(c.text in ("", SMALL, WITHHELD) for c in cells)
