"""The sharing story of some demo households (SCENARIOS.md): consents, withdrawals, an emergency share."""

from collections.abc import Callable

from sqlalchemy import select

from cases.ledger import services
from cases.models import Case, Part
from cases.sharing import consents
from cases.sharing import services as sharing
from cases.sharing.models import Involvement, InvolvementKind
from demo.town import CONSENT_WORDING, Town
from portal.extensions import db


def _yamamoto(town: Town, case: Case) -> None:
    """伊藤 of the 児童相談所 raises the risk after a home visit (SCENARIOS.md 1.7)."""
    services.update_case(
        town.people["ito"],
        case,
        {"risk_level": 3},
        case.version,
        reason="家庭訪問で父の暴言と、はるとの腕の新しいあざを確認した。",
    )


def _kobayashi(town: Town, case: Case) -> None:
    """小林あかり consents to share her plan with the hospital and the nursery, then withdraws the nursery."""
    consent = consents.record_consent(
        town.people["sato"],
        case,
        given_by_name="小林 あかり",
        given_by_relation="self",
        given_on=town.ago(50),
        agency_ids=[town.agency_id("hospital"), town.agency_id("hikari")],
        parts=[Part.PLAN],
        wording=CONSENT_WORDING,
    )
    consents.withdraw_consent(
        town.people["sato"],
        case,
        consent.id,
        note="保育園とは共有しないでほしいと本人から申し出",
        agency_ids=[town.agency_id("hikari")],
    )


def _inoue(town: Town, case: Case) -> None:
    """The mother consents to share with the health center, then withdraws it altogether."""
    consent = consents.record_consent(
        town.people["sato"],
        case,
        given_by_name="井上 智子",
        given_by_relation="mother",
        given_on=town.ago(100),
        agency_ids=[town.agency_id("health")],
        parts=[Part.BASIC, Part.PLAN],
        wording=CONSENT_WORDING,
    )
    note = "本人から撤回の申し出（転居予定のため）"
    consents.withdraw_consent(town.people["sato"], case, consent.id, note=note)


def _ishikawa(town: Town, case: Case) -> None:
    """A consent given for one year, which ran out 55 days ago (recorded as given, with its end)."""
    consents.record_consent(
        town.people["sato"],
        case,
        given_by_name="石川 明日香",
        given_by_relation="mother",
        given_on=town.ago(420),
        valid_until=town.ago(55),
        agency_ids=[town.agency_id("health"), town.agency_id("hospital")],
        parts=[Part.BASIC, Part.PLAN],
        wording=CONSENT_WORDING,
    )


def _kaneko(town: Town, case: Case) -> None:
    """The mother consents to share with the nursery her baby will enter, and her hospital."""
    consents.record_consent(
        town.people["sato"],
        case,
        given_by_name="金子 葉月",
        given_by_relation="mother",
        given_on=town.ago(30),
        valid_until=town.ago(-335),
        agency_ids=[town.agency_id("hikari"), town.agency_id("hospital")],
        parts=[Part.BASIC, Part.PLAN],
        wording=CONSENT_WORDING,
    )


def _nishida(town: Town, case: Case) -> None:
    """The expectant mother consents to share with the hospital where she will give birth."""
    consents.record_consent(
        town.people["sato"],
        case,
        given_by_name="西田 美羽",
        given_by_relation="self",
        given_on=town.ago(38),
        agency_ids=[town.agency_id("hospital")],
        parts=[Part.BASIC, Part.PLAN, Part.NOTES],
        wording=CONSENT_WORDING,
    )


def _nishimura(town: Town, case: Case) -> None:
    """葵 moved away 70 days ago: her school's involvement ends, so its reports leave her off."""
    # The ledger still lists みどり中学校 (her new school is unconfirmed): no report in 2 months, SCENARIOS 4.
    enrolled = db.session.scalar(
        select(Involvement.id).where(
            Involvement.case_id == case.id,
            Involvement.agency_id == town.agency_id("jh"),
            Involvement.kind == InvolvementKind.ENROLLED.value,
        )
    )
    sharing.end_involvement(town.people["sato"], case, enrolled, town.ago(70))


def _hirano(town: Town, case: Case) -> None:
    """Before the 受理会議, the school checks the child today: an emergency share for a week."""
    sharing.emergency_share(
        town.people["sato"],
        case,
        agency_id=town.agency_id("s2"),
        parts=[Part.BASIC, Part.LEDGER, Part.NOTES],
        reason="受理会議までの間、登校時に本人のけがの有無と様子を確認してもらうため。",
        legal_basis="privacy_69_2_4",
        valid_until=town.ago(-7),
    )


SHARING_STEPS: dict[str, Callable[[Town, Case], None]] = {
    "yamamoto": _yamamoto,
    "kobayashi": _kobayashi,
    "inoue": _inoue,
    "ishikawa": _ishikawa,
    "kaneko": _kaneko,
    "nishida": _nishida,
    "nishimura": _nishimura,
    "hirano": _hirano,
}
