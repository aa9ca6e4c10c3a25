"""The plan's Word files, opened with python-docx: the family's copy, the child's copy, and their audit."""

import io
import zipfile
from datetime import timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from cases.models import CaseRead
from cases.plans import resources
from cases.plans import services as plans
from cases.plans.resources import ResourceInput
from cases.plans.services import SupportInput
from portal.audit import AuditEntry
from portal.dates import today_in_japan, wareki
from portal.extensions import db
from portal.wordfile import DEFAULT_FONT, HEADING_FONT
from tests.cases.plans.test_services import WISH, consent_to, make_plan, plan_input

HOSTILE = '<script>alert("x")</script><img src=x onerror="steal()"><a href="javascript:x()">見て</a>'
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def body_text(doc) -> str:
    """Return every paragraph and table cell of the body, in order, one per line."""
    lines = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for cell in block.iter(qn("w:tc")):
                lines.append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
    return "\n".join(lines)


@pytest.fixture
def plan(town):
    """ゆい's plan, shared with the nursery, with a resource and some hostile text."""
    resource = resources.save_resource(
        town.coordinator,
        ResourceInput(town.council.id, "ファミリーサポートセンター", "housework", "0120-11-2222"),
    )
    town.center.phone = "0120-00-1111"
    db.session.commit()
    return make_plan(
        town,
        consent=consent_to(town.nursery),
        guardian_worries=f"<p><strong>朝</strong>が大変</p>{HOSTILE}",
        supports=[
            SupportInput(resource_id=resource.id, frequency="月2回", starts_on=today_in_japan()),
            SupportInput(kind="consultation", content="家庭訪問", provider="中村", frequency="週1回"),
        ],
    )


def download(client, login, user, plan, audience, number=1):
    """Log in and download a version's Word file."""
    login(user)
    return client.get(f"/cases/{plan.case_id}/plans/{plan.id}/v{number}/{audience}.docx")


def test_the_family_copy_has_the_wishes_first_the_supports_and_a_consent_line_to_sign(
    town, plan, client, login
):
    response = download(client, login, town.coordinator, plan, "family")
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert response.headers["Cache-Control"] == "no-store"
    assert "support-plan-" in response.headers["Content-Disposition"]
    doc = Document(io.BytesIO(response.data))
    text = body_text(doc)
    # The family's own wishes come before the issues, goals and supports.
    order = [
        text.index(s)
        for s in ("ご家族の思い", WISH, "一緒に解決を目指すこと", "目標", "使うサービス・サポート")
    ]
    assert order == sorted(order)
    assert "山本 ゆい さん" in text and "山本 健 様、山本 亜紀 様" in text
    assert "朝が大変" in text
    assert "ファミリーサポートセンター" in text and "月2回" in text and "家庭訪問" in text
    assert wareki(plan.next_review_on) in text
    assert "みどり市こども家庭センター　担当 佐藤　電話 0120-00-1111" in text
    assert "切れ目のない支援のため、関係機関とプラン内容を共有することについて同意します。" in text
    assert "共有する機関：ひかり保育園" in text
    assert "（署名）" in text and "年　　　月　　　日" in text
    section = doc.sections[0]
    # Handed to the family: headed by the center, with no 秘 mark and no council name.
    assert section.header.paragraphs[0].text == "みどり市こども家庭センター"
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and 'w:fldCharType="begin"' in footer_xml
    bold = [r.text for p in doc.tables[1].rows[2].cells[2].paragraphs for r in p.runs if r.bold]
    assert bold == ["朝"]  # the guardian's words keep their emphasis as a real bold run


def test_hostile_text_leaves_no_markup_in_the_files(town, plan, client, login):
    for audience in ("family", "child"):
        data = download(client, login, town.coordinator, plan, audience).data
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml").decode("utf-8")
        for fragment in ("<script", "script>", "<img", "onerror", "javascript:", "<a ", "&lt;"):
            assert fragment not in xml


def test_every_run_names_an_east_asian_font(town, plan, client, login):
    doc = Document(io.BytesIO(download(client, login, town.coordinator, plan, "family").data))
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs if r.text.strip()}
    assert fonts == {DEFAULT_FONT, HEADING_FONT}


def test_the_child_copy_is_short_and_holds_only_the_childs_part(town, plan, client, login):
    response = download(client, login, town.coordinator, plan, "child")
    doc = Document(io.BytesIO(response.data))
    text = body_text(doc)
    assert doc.paragraphs[0].text == "山本 ゆい さんのプラン"
    for expected in (
        WISH,
        "おとうさんがおこるとこわい",
        "こまったら先生にいう",
        "ファミリーサポートセンター（月2回）",
    ):
        assert expected in text
    assert wareki(plan.next_review_on) in text
    for adult_only in ("夫が手をあげてしまう", "朝が大変", "（署名）", "同意します", "山本 亜紀"):
        assert adult_only not in text
    assert doc.tables == []
    assert doc.sections[0].header.paragraphs[0].text == "みどり市こども家庭センター"
    assert "秘" not in doc.sections[0].header._element.xml


def test_an_old_version_prints_as_it_was_with_the_review_shown_on_the_new_one(town, plan, client, login):
    plans.review_plan(
        town.coordinator,
        plan,
        plan_input(evaluation="登園できる日が増えた", child_wish="ともだちとプールにいきたい"),
    )
    old = body_text(Document(io.BytesIO(download(client, login, town.coordinator, plan, "family", 1).data)))
    new = body_text(
        Document(io.BytesIO(client.get(f"/cases/{plan.case_id}/plans/{plan.id}/v2/family.docx").data))
    )
    assert WISH in old and "前回からのふりかえり" not in old and "（第1版）" in old
    assert "ともだちとプールにいきたい" in new and "登園できる日が増えた" in new and "（第2版）" in new
    # The consent recorded with version 1 still covers version 2.
    assert "共有する機関：ひかり保育園" in new
    assert client.get(f"/cases/{plan.case_id}/plans/{plan.id}/v3/family.docx").status_code == 404
    assert client.get(f"/cases/{plan.case_id}/plans/{plan.id}/v1/secret.docx").status_code == 404


def test_downloads_are_audited_and_show_in_the_case_access_history(town, plan, client, login):
    download(client, login, town.nursery_head, plan, "family")
    client.get(f"/cases/{plan.case_id}/plans/{plan.id}/v1/child.docx")
    rows = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "plan.download")))
    assert [(r.actor_id, r.detail_data["audience"], r.detail_data["version"]) for r in rows] == [
        (town.nursery_head.id, "family", 1),
        (town.nursery_head.id, "child", 1),
    ]
    linked = set(db.session.scalars(select(CaseRead.audit_seq).where(CaseRead.case_id == town.case.id)))
    assert {r.seq for r in rows} <= linked


@pytest.mark.parametrize("who", ["teacher", "doctor", "other_coordinator", "admin", "auditor"])
def test_people_the_plan_is_not_shared_with_cannot_download_it(town, plan, client, login, who):
    response = download(client, login, getattr(town, who), plan, "family")
    assert response.status_code == 404
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "plan.download")).first()


def test_withdrawn_consent_stops_the_download(town, plan, client, login):
    plans.withdraw_plan_consent(town.coordinator, plan, plan.current.consent_id)
    assert download(client, login, town.nursery_head, plan, "family").status_code == 404


def test_a_plan_written_today_prints_next_review_in_wareki_with_weekday(town, client, login):
    plan = make_plan(town, next_review_on=today_in_japan() + timedelta(days=14))
    text = body_text(Document(io.BytesIO(download(client, login, town.coordinator, plan, "family").data)))
    assert f"{wareki(plan.next_review_on)}ごろに、このプランを一緒に見直します。" in text
    assert "共有する機関：＿＿＿" in text  # no consent yet: a blank to fill in by hand
