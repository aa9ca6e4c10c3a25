"""The shared Word helpers: A4, Japanese fonts and language, 秘 header, page fields, rich text as runs."""

import io
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn

from portal import wordfile
from portal.wordfile import Html

COUNCIL = "みどり市要保護児童対策地域協議会"


def reopen(doc):
    """Save a document and open the bytes again, as Word would get them."""
    return Document(io.BytesIO(wordfile.to_bytes(doc)))


def all_runs(doc):
    """Yield every run of the body, its tables, the header and the footer."""
    section = doc.sections[0]
    paragraphs = list(doc.paragraphs) + section.header.paragraphs + section.footer.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    for paragraph in paragraphs:
        yield from paragraph.runs


def east_asia_font(element) -> str | None:
    """Return the w:eastAsia font named on a run's or style's properties."""
    rpr = element.find(qn("w:rPr"))
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


@pytest.fixture
def doc():
    """A new document of the council."""
    return wordfile.new_document(council_name=COUNCIL, title="テスト")


def test_page_is_a4_with_the_council_and_the_confidential_mark_in_the_header(doc):
    wordfile.add_heading(doc, "会議録", 0)
    saved = reopen(doc)
    section = saved.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    header = section.header.paragraphs[0]
    assert header.text == f"{COUNCIL}\t秘"
    stamp = header.runs[-1]
    assert stamp.text == "秘" and stamp.bold
    assert stamp._element.rPr.find(qn("w:bdr")) is not None
    assert saved.core_properties.language == "ja-JP"


def test_without_the_mark_the_header_has_only_the_council(doc):
    plain = reopen(wordfile.new_document(council_name=COUNCIL, confidential=False))
    assert plain.sections[0].header.paragraphs[0].text == COUNCIL


def test_footer_numbers_pages_with_real_page_and_numpages_fields(doc):
    footer = reopen(doc).sections[0].footer.paragraphs[0]
    sequence = []
    for run in footer.runs:
        for child in run._element:
            if child.tag == qn("w:fldChar"):
                sequence.append(child.get(qn("w:fldCharType")))
            elif child.tag == qn("w:instrText"):
                sequence.append(child.text.strip())
            elif child.tag == qn("w:t") and child.text == " / ":
                sequence.append("/")
    assert sequence == [
        "begin", "PAGE", "separate", "end", "/", "begin", "NUMPAGES", "separate", "end",
    ]  # fmt: skip


def test_every_run_and_the_defaults_name_an_east_asian_font_and_japanese(doc):
    wordfile.add_heading(doc, "見出し", 1)
    wordfile.add_text(doc, "本文です。\n二行目")
    wordfile.add_rich_text(doc, "<p><strong>太字</strong>と<em>斜体</em></p><ul><li>項目</li></ul>")
    wordfile.add_table(doc, [["機関", Html("<p>内容<br>続き</p>")]], header=["項目", "内容"])
    saved = reopen(doc)
    runs = list(all_runs(saved))
    assert len(runs) > 10
    fonts = {run.text.strip(): east_asia_font(run._element) for run in runs if run.text.strip()}
    assert set(fonts.values()) == {wordfile.DEFAULT_FONT, wordfile.HEADING_FONT}
    assert fonts["見出し"] == fonts["秘"] == wordfile.HEADING_FONT
    assert fonts["太字"] == fonts["続き"] == fonts["二行目"] == wordfile.DEFAULT_FONT
    styles = saved.styles
    assert east_asia_font(styles["Normal"].element) == wordfile.DEFAULT_FONT
    assert east_asia_font(styles["Heading 1"].element) == wordfile.HEADING_FONT
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    # A theme font would win over the named one, so none is left.
    assert fonts.get(qn("w:eastAsiaTheme")) is None
    assert fonts.get(qn("w:eastAsia")) == wordfile.DEFAULT_FONT
    lang = styles["Normal"].element.find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "ja-JP"


def test_rich_text_becomes_runs_with_bold_italic_breaks_and_lists(doc):
    paragraphs = wordfile.add_rich_text(
        doc,
        "<p>今日は<strong>登校</strong>しました。<em>元気</em>でした。<br>給食も食べました。</p>\n"
        "<ul>\n<li>朝の確認</li>\n<li>欠席の連絡</li>\n</ul>"
        "<ol><li>一つ目</li><li>二つ目</li></ol><ol><li>また一から</li></ol>",
    )
    saved = reopen(doc)
    texts = [p.text for p in saved.paragraphs]
    assert texts == [
        "今日は登校しました。元気でした。\n給食も食べました。",
        "朝の確認",
        "欠席の連絡",
        "1. 一つ目",
        "2. 二つ目",
        "1. また一から",
    ]
    assert len(paragraphs) == 6
    first = saved.paragraphs[0]
    assert [r.text for r in first.runs if r.bold] == ["登校"]
    assert [r.text for r in first.runs if r.italic] == ["元気"]
    assert saved.paragraphs[1].style.name == "List Bullet"


def test_typed_line_breaks_become_breaks(doc):
    wordfile.add_rich_text(doc, "一行目\n二行目\n\n四行目")
    saved = reopen(doc)
    assert [p.text for p in saved.paragraphs] == ["一行目\n二行目\n\n四行目"]
    assert len(saved.paragraphs[0]._element.findall(f".//{qn('w:br')}")) == 3


def test_hostile_text_leaves_no_markup_in_the_document(doc):
    hostile = (
        '<script>alert("x")</script><img src=x onerror="alert(1)">'
        '<a href="javascript:alert(1)">リンク</a><p style="color:red" onclick="x()">本文</p>'
        "&lt;b&gt;太字ではない&lt;/b&gt; 3 < 5"
    )
    wordfile.add_rich_text(doc, hostile)
    wordfile.add_table(doc, [[Html(hostile)]])
    data = wordfile.to_bytes(doc)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    for fragment in ("script", "<img", "onerror", "javascript:", "onclick", "<a ", "<p ", "&lt;p"):
        assert fragment not in xml
    wordfile.add_table(doc, [[hostile]])
    saved = reopen(doc)
    body = "".join(p.text for p in saved.paragraphs)
    # Escaped text stays text: the reader sees "<b>" as written, and it is not bold.
    assert "<b>太字ではない</b> 3 < 5" in body
    assert "<script" not in body and "<img" not in body
    assert not any(run.bold for run in all_runs(saved) if "太字" in run.text)
    assert saved.tables[0].rows[0].cells[0].text == 'alert("x")リンク\n本文\n<b>太字ではない</b> 3 < 5'
    plain_cell = saved.tables[1].rows[0].cells[0].text
    assert plain_cell == hostile  # a plain cell shows what was given, character for character


def test_table_has_a_bold_header_row_that_repeats_on_each_page(doc):
    wordfile.add_table(
        doc,
        [["保育園", Html("<p><strong>毎朝</strong>確認</p>")], ["学校", "連絡\n電話"]],
        header=["機関", "役割"],
        widths_mm=[40, 130],
    )
    table = reopen(doc).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["機関", "役割"]
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs if run.text)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1].cells[1].text == "毎朝確認"
    assert [r.text for r in table.rows[1].cells[1].paragraphs[0].runs if r.bold] == ["毎朝"]
    assert table.rows[2].cells[1].text == "連絡\n電話"
    assert table.style.name == "Table Grid"
