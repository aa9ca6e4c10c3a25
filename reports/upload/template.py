"""The monthly report template to download (.xlsx with choice lists, or CSV): the columns and the children."""

import csv
import io

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from cases.models import Child
from portal import audit
from portal.models import Council, User
from portal.spreadsheets import csv_line, safe_text
from portal.transaction import transaction
from reports import access
from reports.monthly.models import CONCERN_LABELS, ROW_FIELDS
from reports.monthly.periods import Period
from reports.monthly.rows import FIELD_LABELS

ID_COLUMN = "児童番号"


NAME_COLUMN = "氏名"


CLASS_COLUMN = "学年・組"


COLUMNS = [ID_COLUMN, NAME_COLUMN, CLASS_COLUMN, *(FIELD_LABELS[f] for f in ROW_FIELDS)]


REQUIRED_COLUMNS = [ID_COLUMN, *(FIELD_LABELS[f] for f in ROW_FIELDS)]


FIELD_BY_COLUMN = {FIELD_LABELS[f]: f for f in ROW_FIELDS}


def template_rows(children: list[Child]) -> list[list]:
    """Return the template's lines: one per child, with its number, name and class filled in.

    A name or class that starts like a formula is written neutralised (safe_text), as in every
    spreadsheet the portal writes; the upload undoes it when comparing names.
    """
    return [[c.id, safe_text(c.name), safe_text(c.grade_class), *([""] * len(ROW_FIELDS))] for c in children]


def template_file(user: User, council: Council, period: Period, fmt: str) -> bytes:
    """Return the month's template (.xlsx or CSV) with the agency's registered children; audit it."""
    children = access.reportable_children(user, council)
    content = template_xlsx(children, period) if fmt == "xlsx" else template_csv(children)
    with transaction():
        audit.record(
            "report.template",
            actor=user,
            target_type="monthly_reports",
            target_label=f"{user.agency.name} {period.label}",
            detail={"period": period.key, "format": fmt, "children": [c.id for c in children]},
        )
    return content


def template_xlsx(children: list[Child], period: Period) -> bytes:
    """Return the Excel template for the period, with a choice list for the level of concern."""
    book = Workbook()
    sheet = book.active
    sheet.title = period.label
    sheet.append(COLUMNS)
    for line in template_rows(children):
        sheet.append(line)
    concern_column = sheet.cell(row=1, column=COLUMNS.index(FIELD_LABELS["concern"]) + 1).column_letter
    choice = DataValidation(type="list", formula1='"' + ",".join(CONCERN_LABELS.values()) + '"')
    choice.add(f"{concern_column}2:{concern_column}{max(len(children), 1) + 200}")
    sheet.add_data_validation(choice)
    sheet.freeze_panes = "D2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_csv(children: list[Child]) -> bytes:
    """Return the CSV template in UTF-8 with a BOM (Excel opens it with the right characters)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(csv_line(row) for row in template_rows(children))
    return buffer.getvalue().encode("utf-8-sig")
