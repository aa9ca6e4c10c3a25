"""How the demo describes a household (SCENARIOS.md): made-up families of みどり市 and あおば町.

Dates are days before (or after) the day the demo is seeded, so the demo stays fresh. The households
themselves are in midori.py and other_cases.py; consents, their withdrawal and the emergency share
are steps in sharing_steps.py, which names the households by their `key`.
"""

from dataclasses import dataclass, field

from cases.sharing.models import InvolvementKind

ASSIGNED = InvolvementKind.ASSIGNED
MEETING = InvolvementKind.MEETING
LEAD = InvolvementKind.LEAD

# Short keys for the agencies of demo/identity.py.
AGENCIES = {
    "center": "みどり市こども家庭センター",
    "s1": "みどり第一小学校",
    "s2": "みどり第二小学校",
    "jh": "みどり中学校",
    "hikari": "ひかり保育園",
    "sakura": "さくらこども園",
    "health": "みどり市保健センター",
    "hospital": "みどり市民病院",
    "police": "みどり警察署",
    "board": "みどり市教育委員会",
    "commissioners": "みどり市民生児童委員協議会",
    "cgc": "県中央児童相談所",
    "univ": "みどり福祉大学",
    "aoba_school": "あおば町立あおば小学校",
    "aoba_nursery": "あおば町立あおば保育所",
}


@dataclass
class Kid:
    """A child: `grade` is the school year (1-6 小学校, 7-9 中学校; 0 年長, -5 0歳児 at a nursery)."""

    name: str
    kana: str
    sex: str
    grade: int | None = None
    agency: str = ""
    klass: str = ""  # 組: a number at school, a class name at a nursery
    days_old: int | None = None  # babies, instead of a grade


@dataclass
class Note:
    """A case note (経過記録) written by a demo person, about one child (by name) or the household."""

    login: str
    days_ago: int
    kind: str
    body: str
    child: str | None = None


@dataclass
class Extra:
    """An involvement the coordinator adds after registration."""

    agency: str
    kind: InvolvementKind
    days_ago: int
    note: str = ""
    ended_days_ago: int | None = None


@dataclass
class Household:
    """One case of the demo ledger."""

    key: str
    category: str
    days_ago: int  # received (受理)
    route: str
    children: list[Kid]
    guardians: list[tuple[str, str, str]]  # (relation, name, kana)
    status: str = "registered"  # "intake", "registered" or "closed"
    abuse: list[str] = field(default_factory=list)
    abuser: str = ""
    risk: int = 2
    lead: str = ""
    key_person: str = ""
    policy: str = ""
    note: str = ""
    review_in: int | None = None  # days from today; negative means overdue
    confirmed_days_ago: int | None = None
    delivery_in: int | None = None
    registered_after: int = 0  # days from receipt to the 受理会議 that registered it (0: at once)
    closed_days_ago: int | None = None
    closure: str = ""
    extras: list[Extra] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    council: str = "midori"
