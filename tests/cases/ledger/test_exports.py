"""Ledger downloads: CSV for Excel and .xlsx, each with only what the person may see, each audited."""

import csv
import io
import json
from datetime import datetime
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cases.ledger.exports import EXPORT_HEADERS
from portal.audit import AuditEntry
from portal.dates import today_in_japan, wareki
from portal.extensions import db
from portal.spreadsheets import WAREKI_FORMAT
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def browser(app):
    """Open a logged-in browser for a person."""

    def open_as(user):
        client = app.test_client()
        client.submit("/login", {"login_id": user.login_id, "password": DEFAULT_PASSWORD})
        return client

    return open_as


def csv_rows(response) -> list[list[str]]:
    """Read a CSV download as Excel would: UTF-8 with its BOM."""
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(response) -> list[list[str]]:
    """Read an Excel download as the CSV shows it: date cells (shown in 和暦) as 和暦 text."""
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    rows = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            if isinstance(cell.value, datetime):
                assert cell.number_format == WAREKI_FORMAT, "a date is not shown in 和暦"
                cells.append(wareki(cell.value.date(), weekday=False))
            else:
                cells.append("" if cell.value is None else str(cell.value))
        rows.append(cells)
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def last_export() -> dict:
    """Return the detail of the last ledger.export audit row."""
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "ledger.export").order_by(AuditEntry.seq.desc())
    ).first()
    assert entry is not None, "the export was not audited"
    return entry


def test_csv_has_a_bom_japanese_headers_and_the_case(town, browser):
    response = browser(town.coordinator).get("/cases/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = csv_rows(response)
    assert rows[0] == EXPORT_HEADERS and rows[0][:3] == ["協議会", "ケース番号", "状況"]
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["ケース番号"] == "令和7-0001"
    assert record["子どもの氏名"] == "山本 はると、山本 ゆい"
    assert record["虐待種別"] == "身体的虐待" and record["リスク"] == "高"
    assert record["受理日"] == "令和7年6月2日", "dates in 和暦 without the weekday"


def test_the_file_name_is_japanese_with_an_ascii_fallback(town, browser):
    response = browser(town.coordinator).get("/cases/export.xlsx")
    stamp = today_in_japan().strftime("%Y%m%d")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="ledger_{stamp}.xlsx"' in disposition
    assert f"filename*=UTF-8''{quote(f'進行管理台帳_{stamp}.xlsx')}" in disposition
    assert response.headers["Cache-Control"] == "no-store"


def test_teachers_csv_names_haruto_only(town, browser):
    rows = csv_rows(browser(town.teacher).get("/cases/export.csv"))
    assert len(rows) == 2
    text = "\n".join(",".join(r) for r in rows)
    assert "山本 はると" in text and "みどり第一小学校" in text
    assert "ゆい" not in text and "ひかり保育園" not in text


def test_xlsx_opens_and_has_the_same_rows_as_the_csv(town, browser):
    client = browser(town.caseworker)
    csv_data = csv_rows(client.get("/cases/export.csv"))
    xlsx = client.get("/cases/export.xlsx")
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx_rows(xlsx) == csv_data


def test_xlsx_dates_are_date_cells_and_numbers_are_numbers(town, browser):
    """Dates sort as dates and counts add up: they are not text in the workbook."""
    sheet = load_workbook(io.BytesIO(browser(town.coordinator).get("/cases/export.xlsx").get_data())).active
    header = [c.value for c in sheet[1]]
    received = sheet.cell(row=2, column=header.index("受理日") + 1)
    assert isinstance(received.value, datetime) and received.value.date() == town.case.received_on
    assert received.number_format == WAREKI_FORMAT


@pytest.mark.parametrize("who", ["doctor", "other_teacher", "admin", "auditor", "other_coordinator"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_people_outside_the_case_export_only_the_headers(town, browser, who, fmt):
    response = browser(getattr(town, who)).get(f"/cases/export.{fmt}")
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert rows == [EXPORT_HEADERS]
    assert json.loads(last_export().detail)["rows"] == 0


def test_export_keeps_the_filters_and_is_audited_with_the_parts(town, browser):
    client = browser(town.nursery_head)
    assert len(csv_rows(client.get("/cases/export.csv?risk=1"))) == 1
    entry = last_export()
    detail = json.loads(entry.detail)
    assert entry.actor_name == "田中" and detail["filters"]["risk"] == 1 and detail["rows"] == 0
    rows = csv_rows(client.get("/cases/export.csv?risk=3&sort=number&direction=desc"))
    assert [r[1] for r in rows[1:]] == ["令和7-0001"] and "山本 ゆい" in rows[1]
    detail = json.loads(last_export().detail)
    assert detail == {**detail, "format": "csv", "rows": 1, "parts": ["basic", "ledger"]}


def test_a_bad_filter_in_the_export_link_is_ignored_not_an_error(town, browser):
    response = browser(town.coordinator).get("/cases/export.csv?risk=high&page=zz")
    assert response.status_code == 200
    assert len(csv_rows(response)) == 2


def test_the_latest_school_report_shows_in_the_ledger_and_its_exports(town, browser):
    """The monthly report's last date and absence run reach the ledger the meeting is prepared from."""
    reported = today_in_japan()
    town.haruto.last_reported_on = reported
    town.haruto.consecutive_absent_days = 8
    db.session.commit()
    coordinator = browser(town.coordinator)
    page = coordinator.get("/cases/").get_data(as_text=True)
    assert "連続欠席 8日" in page and 'class="tag danger"' in page
    record = dict(zip(*csv_rows(coordinator.get("/cases/export.csv"))[:2], strict=True))
    assert record["連続欠席日数"] == "8"
    assert record["最終報告日"].startswith("令和")
