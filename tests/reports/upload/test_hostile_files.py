"""A corpus of hostile monthly-report files: none answers 500, none saves anything, memory stays bounded.

Each file is what an attacker with a school's account, or a broken spreadsheet program, could send:
archives missing their sheet, truncated or oversized XML, declared sheet sizes far beyond the data,
compression bombs, text in numeric cells, odd encodings and line endings, giant cells and numbers,
digits from other scripts. Every attempt is answered with the Japanese problem list and audited.
"""

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.audit import AuditEntry
from portal.extensions import db
from reports.upload.template import COLUMNS
from tests.reports.upload.test_upload import as_csv, filled, nothing_saved, post_file, school_children

__all__ = ["school_children"]

SHEET = "xl/worksheets/sheet1.xml"
MAX_PEAK_BYTES = 64 * 1024 * 1024
MAX_SECONDS = 10


def _template(children) -> bytes:
    """Return a valid template workbook for the children."""
    book = Workbook()
    book.active.append(COLUMNS)
    for child in children:
        book.active.append(filled(child))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rezip(content: bytes, change) -> bytes:
    """Rewrite an .xlsx archive with `change(name, data)` applied to each member (None drops it)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(info.filename, data)
    return out.getvalue()


def _sheet_xml(rows: str, dimension: str = "A1:O4") -> bytes:
    """Return a sheet part with the given <row> elements and declared dimension."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def _laughs() -> bytes:
    """Return a sheet part whose entities would expand to a gigabyte (the billion laughs)."""
    entities = ['<!ENTITY a "aaaaaaaaaa">']
    for name, inner in zip("bcdefgh", "abcdefg", strict=True):
        entities.append(f'<!ENTITY {name} "{("&" + inner + ";") * 10}">')
    body = '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&h;</t></is></c></row></sheetData>'
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    doctype = f"<!DOCTYPE x [{''.join(entities)}]>"
    return f'<?xml version="1.0"?>{doctype}<worksheet xmlns="{main}">{body}</worksheet>'.encode()


def _hostile_files(children) -> list[tuple[str, str, bytes]]:
    """Return (what, filename, content) for every file of the corpus."""
    good = _template(children)
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{c}</t></is></c>' for i, c in enumerate(COLUMNS)
    )
    bomb = b"<row>" + b" " * 200_000_000 + b"</row>"
    files = [
        ("no sheet part", "a.xlsx", _rezip(good, lambda n, d: None if n == SHEET else d)),
        ("truncated XML", "b.xlsx", _rezip(good, lambda n, d: d[: len(d) // 2] if n == SHEET else d)),
        (
            "text in a numeric cell",
            "c.xlsx",
            _rezip(
                good,
                lambda n, d: (
                    _sheet_xml(f'<row r="1">{header}</row><row r="2"><c r="A2" t="n"><v>abc</v></c></row>')
                    if n == SHEET
                    else d
                ),
            ),
        ),
        (
            "declared A1:XFD3000",
            "d.xlsx",
            _rezip(
                good, lambda n, d: d.replace(b'<dimension ref="A1:O4"/>', b'<dimension ref="A1:XFD3000"/>')
            ),
        ),
        (
            "declared the whole sheet",
            "e.xlsx",
            _rezip(
                good, lambda n, d: d.replace(b'<dimension ref="A1:O4"/>', b'<dimension ref="A1:XFD1048576"/>')
            ),
        ),
        (
            "one cell on the last row",
            "f.xlsx",
            _rezip(
                good,
                lambda n, d: (
                    _sheet_xml(
                        f'<row r="1">{header}</row><row r="1048576"><c r="A1048576"><v>1</v></c></row>',
                        "A1:XFD1048576",
                    )
                    if n == SHEET
                    else d
                ),
            ),
        ),
        (
            "a compression bomb",
            "g.xlsx",
            _rezip(good, lambda n, d: _sheet_xml("") + bomb if n == SHEET else d),
        ),
        ("not an archive at all", "h.xlsx", b"PK\x03\x04" + b"\x00" * 200),
        ("an empty archive", "i.xlsx", _rezip(good, lambda n, d: None)),
        ("entity expansion", "j.xlsx", _rezip(good, lambda n, d: _laughs() if n == SHEET else d)),
        ("CR-only line endings", "k.csv", as_csv([filled(c) for c in children]).replace(b"\r\n", b"\r")),
        (
            "a 150,000-character cell",
            "l.csv",
            as_csv([filled(children[0], **{"欠席の理由": "あ" * 150_000})]),
        ),
        ("a 10,000-digit number", "m.csv", as_csv([filled(children[0], **{"出席日数": "9" * 10_000})])),
        ("the digit ፩ as the child's number", "n.csv", as_csv([filled(children[0], **{"児童番号": "፩"})])),
        (
            "NUL bytes and control characters",
            "o.csv",
            as_csv([filled(children[0], **{"氏名": "a\x00b\x1b"})]),
        ),
        ("neither UTF-8 nor Shift_JIS", "p.csv", b"\xff\xfe\x81\x00" * 100),
        ("a thousand columns", "q.csv", as_csv([[*filled(children[0]), *(["x"] * 1000)]])),
        ("twelve thousand rows", "r.csv", as_csv([filled(children[0])] * 12_000)),
        ("an unknown kind of file", "s.pdf", b"%PDF-1.4 ..."),
        ("too big to take", "t.csv", b"a," * 3_000_000),
    ]
    return files


def _upload_checks() -> int:
    """Return how many upload attempts have been audited."""
    return db.session.scalar(
        select(func.count(AuditEntry.seq)).where(AuditEntry.action == "report.upload_check")
    )


def test_no_hostile_file_answers_500_saves_anything_or_takes_the_memory(
    town, period, client, login, school_children
):
    login(town.teacher)
    for what, name, content in _hostile_files(school_children):
        before = _upload_checks()
        tracemalloc.start()
        started = time.monotonic()
        response = post_file(client, town, period, content, name)
        seconds = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        page = response.get_data(as_text=True)
        # A file whose data is fine (only its declared size is not) gets its preview; any other its problems.
        assert response.status_code in (200, 413, 422), f"{what}: {response.status_code}"
        if response.status_code == 200:
            assert "取り込む内容の確認" in page, what
        else:
            told = (
                "ファイルに問題があります",
                "ファイルが大きすぎます",
                "Excel（.xlsx）またはCSVファイルを選んでください",
            )
            assert any(words in page for words in told), what
        assert peak < MAX_PEAK_BYTES, f"{what}: {peak // 1_000_000} MB"
        assert seconds < MAX_SECONDS, f"{what}: {seconds:.1f} s"
        assert _upload_checks() == before + 1, f"{what}: the attempt was not audited"
        nothing_saved()


@pytest.mark.parametrize("cr_only", [False, True])
def test_the_same_file_with_either_line_ending_is_read_alike(
    town, period, client, login, school_children, cr_only
):
    login(town.teacher)
    content = as_csv([filled(c) for c in school_children])
    if cr_only:
        content = content.replace(b"\r\n", b"\r")
    response = post_file(client, town, period, content, "may.csv")
    assert response.status_code == 200 and "取り込む内容の確認（3人分" in response.get_data(as_text=True)
