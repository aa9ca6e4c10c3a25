"""Render check: LibreOffice lays the minutes out as a PDF whose text holds the Japanese headings."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from meetings.minutes import services as minutes
from meetings.minutes import word as minutes_word
from tests.meetings.minutes.test_minutes import ended_meeting

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TOOLS = {name: shutil.which(name) for name in ("soffice", "pdftotext", "pdftoppm")}

pytestmark = pytest.mark.skipif(
    not all(TOOLS.values()),
    reason="LibreOffice (soffice) or poppler-utils is not installed; run `make office` to install them",
)


def run(tool: str, *args: str) -> str:
    """Run one of the installed tools on files this test wrote; return its output."""
    # The program is a resolved path and every argument is this test's own, so nothing is untrusted.
    done = subprocess.run([TOOLS[tool], *args], check=True, capture_output=True, text=True, timeout=180)  # noqa: S603
    return done.stdout


def test_libreoffice_renders_the_minutes_with_japanese_headings(town, hidden_case, tmp_path):
    meeting = ended_meeting(town, hidden_case)
    minutes.set_collect_handouts(town.coordinator, meeting, True)
    version = minutes.draft(town.coordinator, meeting)
    source = tmp_path / "minutes.docx"
    source.write_bytes(
        minutes_word.build(version, minutes_word.copy_for(town.coordinator, meeting, None, True))
    )
    profile = tmp_path / "lo-profile"
    run(
        "soffice",
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(source),
    )
    pdf = tmp_path / "minutes.pdf"
    assert pdf.exists()
    text = run("pdftotext", "-layout", str(pdf), "-")
    for heading in ("会議録", "出席機関・出席者", "協議内容（現状・リスク）", "援助方針", "役割分担", "秘"):
        assert heading in text, heading
    assert town.council.name in text and "配付資料は会議終了後に回収" in text
    # The footer's fields were computed: page 1 of however many.
    pages = text.count("\f")
    assert (
        pages >= 1
        and re.search(rf"\b1\s*/\s*{pages}\b", text)
        and re.search(rf"\b{pages}\s*/\s*{pages}\b", text)
    )
    # 秘 stands at the right margin of the header, not at the Header style's inherited centre stop.
    boxes = run("pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-")
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    mark = re.search(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">秘</word>', boxes)
    assert mark and float(mark.group(1)) > width * 0.75, boxes[:2000]
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "minutes_page1"
    run("pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target))
    assert target.with_suffix(".png").stat().st_size > 5000
