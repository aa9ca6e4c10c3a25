"""The demo town as the seeding steps see it: councils, agencies by short key, people by login id."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from demo.households import AGENCIES
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, Council, User

COUNCILS = {"midori": "みどり市", "aoba": "あおば町"}


COORDINATORS = {"midori": "sato", "aoba": "yamada"}


@dataclass
class Town:
    """The demo's councils, agencies (by short key) and people (by login id), as identity.py made them."""

    councils: dict[str, Council]
    agencies: dict[str, Agency]
    people: dict[str, User]
    today: date

    def coordinator(self, council: str) -> User:
        """Return the coordinator who registers the council's cases."""
        return self.people[COORDINATORS[council]]

    def ago(self, days: int) -> date:
        """Return the date `days` before today (after, when negative)."""
        return self.today - timedelta(days=days)

    def agency_id(self, key: str) -> int:
        """Return the id of an agency by its short key."""
        return self.agencies[key].id


def load_town() -> Town:
    """Find the demo councils, agencies and people."""
    councils = {
        key: db.session.scalar(select(Council).where(Council.municipality == name))
        for key, name in COUNCILS.items()
    }
    if any(council is None for council in councils.values()):
        raise RuntimeError("デモの協議会がありません。先に利用者・機関のデモデータを投入してください。")
    by_name = {a.name: a for a in db.session.scalars(select(Agency))}
    return Town(
        councils=councils,
        agencies={key: by_name[name] for key, name in AGENCIES.items()},
        people={u.login_id: u for u in db.session.scalars(select(User))},
        today=today_in_japan(),
    )


CONSENT_WORDING = "切れ目のない支援のため、関係機関とプラン内容を共有することについて同意します。"
