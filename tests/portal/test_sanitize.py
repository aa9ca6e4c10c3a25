"""The sanitizer's shortcut (text bleach would return unchanged) returns exactly what bleach returns."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.sanitize import _RICH, _already_clean, clean_html

# Characters bleach treats specially, tags it keeps and drops, beside ordinary and Japanese text.
PIECES = [
    *["a", " ", "\t", "\n", "\r", "\x00", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "&", "<", ">", '"', "'"],
    *["発熱", "　", "p>", "&amp;", "&#", "\ufffe", "\u00a0", "=", "/", "<br>", "<br/>", "</br>"],
    *["<p>", "</p>", "<b>", "</b>", "<strong>", "</strong>", "<i>", "</i>", "<em>", "</em>", "<P>"],
    *["<ul>", "</ul>", "<li>", "</li>", "<script>", "<p class=x>", "<!--", "-->", "<table>", "<td>"],
]
ALPHABET = st.sampled_from(PIECES)


@settings(max_examples=1500, deadline=None)
@given(st.lists(ALPHABET, max_size=14).map("".join))
def test_clean_html_is_bleach_for_any_text(text):
    """With or without the shortcut, the stored text is the same."""
    assert clean_html(text) == _RICH.clean(text).strip()


NOTE = (
    "<p><strong>定期報告（令和7年5月）</strong>　気になる度合い: なし</p>"
    "<p>出席 17日／欠席 1日</p><p>欠席の理由: 発熱</p>"
)


@pytest.mark.parametrize(
    "text, short",
    [
        ("発熱", True),
        ("  元気  ", True),
        (NOTE, True),
        ("<p>a<br>b</p><p><b>c<i>d</i></b></p>", True),
        ("a\r\nb", False),
        ("x < y", False),
        ("&lt;", False),
        ("<p><p>入れ子</p></p>", False),
        ("<b><b>重ね</b></b>", False),
        ("<b>閉じない", False),
        ("<ul><li>箇条</li></ul>", False),
    ],
)
def test_common_texts(text, short):
    """Upload cells and the notes the portal writes take the shortcut; the rest goes to bleach."""
    assert _already_clean(text) is short
    assert clean_html(text) == _RICH.clean(text).strip()
