"""The plan as Word files handed to the family (手交): one for the guardians, a simpler one for the child.

Written in plain words, with the family's own wishes first and the consent line with space to
sign. The wording is the portal's own, after the fields the national form example asks for.
"""

from cases.choices import CONSENT_WORDING
from cases.plans.models import PlanVersion, SupportPlan
from portal import wordfile
from portal.dates import wareki
from portal.wordfile import Html

AUDIENCES = {"family": "サポートプラン", "child": "こども用プラン"}
NOT_WRITTEN = "（まだ書いていません）"
SIGNATURE_LINE = "（署名）＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿　（日付）　　　　年　　　月　　　日"


def build(plan: SupportPlan, version: PlanVersion, audience: str) -> bytes:
    """Return the .docx of one version for the family or for the child."""
    builder = _family if audience == "family" else _child
    # The family's copies are handed to the family: headed by the center they deal with, not by the
    # council (whose existence is itself confidential to them), and not marked 秘.
    center = plan.case.council.coordinating_agency
    doc = wordfile.new_document(
        council_name=center.name if center else plan.case.council.municipality,
        confidential=False,
        title=AUDIENCES[audience],
        size_pt=10.5 if audience == "family" else 13,
    )
    builder(doc, plan, version)
    return wordfile.to_bytes(doc)


def _rich(value: str) -> Html:
    """Return stored text as rich text, or a gentle note when it is empty."""
    return Html(value) if value else Html(NOT_WRITTEN)


def _contact(plan: SupportPlan) -> str:
    """Return the center, the caseworker and the phone number the family can call."""
    center = plan.case.council.coordinating_agency
    parts = [center.name if center else "", f"担当 {plan.caseworker.name}"]
    if center and center.phone:
        parts.append(f"電話 {center.phone}")
    return "　".join(p for p in parts if p)


def shared_agencies(plan: SupportPlan, version: PlanVersion) -> list[str]:
    """Return the agencies the plan is shared with now, by the consents recorded up to this version."""
    names = []
    for v in plan.versions:
        if v.number <= version.number and v.consent is not None:
            names += [g.agency.name for g in v.consent.grants if g.revoked_at is None]
    return sorted(set(names))


def _family(doc, plan: SupportPlan, version: PlanVersion) -> None:
    """Write the guardians' copy."""
    wordfile.add_heading(doc, "サポートプラン", 0)
    wordfile.add_text(
        doc,
        "お子さんとご家族の思いをもとに、これからのサポートを一緒に考えてまとめました。"
        "分からないことや変えたいことがあれば、いつでも担当者にお伝えください。",
    )
    guardians = "、".join(f"{g.name} 様" for g in plan.case.guardians) or "—"
    wordfile.add_table(
        doc,
        [
            ["お子さんの名前", f"{plan.child.name} さん" if plan.child else "—"],
            ["保護者の名前", guardians],
            ["作成日", f"{wareki(version.made_on)}（第{version.number}版）"],
        ],
        widths_mm=[40, 130],
        header_column=True,
    )
    wordfile.add_heading(doc, "ご家族の思い", 1)
    wordfile.add_table(
        doc,
        [
            ["こうしたい・こうなりたい", _rich(version.child_wish), _rich(version.guardian_wish)],
            ["気になっていること", _rich(version.child_worries), _rich(version.guardian_worries)],
            ["希望すること", _rich(version.child_hopes), _rich(version.guardian_hopes)],
        ],
        header=["", "お子さん", "保護者"],
        widths_mm=[40, 65, 65],
        header_column=True,
    )
    if version.is_review:
        wordfile.add_heading(doc, "前回からのふりかえり", 1)
        wordfile.add_rich_text(doc, version.evaluation)
    wordfile.add_heading(doc, "一緒に解決を目指すこと", 1)
    wordfile.add_rich_text(doc, version.issues)
    wordfile.add_heading(doc, "目標", 1)
    until = f"（{wareki(version.short_term_until, weekday=False)}まで）" if version.short_term_until else ""
    wordfile.add_table(
        doc,
        [
            [f"今すぐ取り組むこと{until}", _rich(version.short_term_goal)],
            ["なりたい将来のすがた", _rich(version.long_term_goal)],
        ],
        widths_mm=[50, 120],
        header_column=True,
    )
    wordfile.add_heading(doc, "ご家族がすること", 1)
    wordfile.add_rich_text(doc, version.family_actions or NOT_WRITTEN)
    if version.child_actions:
        wordfile.add_heading(doc, "お子さんがすること", 1)
        wordfile.add_rich_text(doc, version.child_actions)
    wordfile.add_heading(doc, "使うサービス・サポート", 1)
    wordfile.add_table(
        doc,
        [
            [
                s.service_name or s.kind_label or "—",
                Html(s.content) if s.content else "",
                s.provider,
                s.frequency,
                wareki(s.starts_on, weekday=False) if s.starts_on else "",
            ]
            for s in version.supports
        ],
        header=["サービス・サポート", "内容", "担当", "回数", "いつから"],
        widths_mm=[35, 60, 30, 20, 25],
    )
    if version.satisfaction is not None:
        wordfile.add_text(doc, f"いまの満足度：{version.satisfaction}（0〜100）")
    wordfile.add_heading(doc, "次にこのプランを見直す日", 1)
    wordfile.add_text(
        doc,
        f"{wareki(version.next_review_on)}ごろに、このプランを一緒に見直します。"
        "困ったことや気になることがあれば、その前でもいつでもご連絡ください。",
    )
    wordfile.add_text(doc, _contact(plan))
    _consent(doc, plan, version)


def _consent(doc, plan: SupportPlan, version: PlanVersion) -> None:
    """Write the consent to share, the agencies it names, and space to sign."""
    wordfile.add_heading(doc, "関係機関との共有について", 1)
    consent = next(
        (v.consent for v in reversed(plan.versions) if v.number <= version.number and v.consent), None
    )
    wording = consent.wording if consent and consent.wording else CONSENT_WORDING
    wordfile.add_rich_text(doc, wording if wording.endswith("。") else wording + "。")
    agencies = shared_agencies(plan, version)
    wordfile.add_text(doc, "共有する機関：" + ("、".join(agencies) if agencies else "＿" * 20))
    if consent is not None:
        given = f"同意日：{wareki(consent.given_on)}　同意された方：{consent.given_by_name} 様"
        wordfile.add_text(doc, given)
    wordfile.add_text(doc, "")
    wordfile.add_text(doc, SIGNATURE_LINE)


def _child(doc, plan: SupportPlan, version: PlanVersion) -> None:
    """Write the child's copy: short, in easy words, the child's own part only."""
    title = f"{plan.child.name} さんのプラン" if plan.child else "わたしのプラン"
    wordfile.add_heading(doc, title, 0)
    wordfile.add_text(doc, "このプランは、あなたのきもちを大切にして、いっしょにつくりました。")
    for heading, value in (
        ("あなたのきもち", version.child_wish),
        ("しんぱいなこと", version.child_worries),
        ("こうなったらいいな", version.child_hopes),
        ("あなたがすること", version.child_actions),
    ):
        wordfile.add_heading(doc, heading, 1)
        wordfile.add_rich_text(doc, value or NOT_WRITTEN)
    wordfile.add_heading(doc, "まわりの大人がてつだうこと", 1)
    for support in version.supports:
        words = support.service_name or support.kind_label or support.provider
        if support.frequency:
            words += f"（{support.frequency}）"
        wordfile.add_text(doc, words, style="List Bullet")
    wordfile.add_heading(doc, "つぎにおはなしする日", 1)
    wordfile.add_text(doc, wareki(version.next_review_on))
    wordfile.add_heading(doc, "こまったときは", 1)
    wordfile.add_text(doc, _contact(plan))
