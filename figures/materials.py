"""The year's figures as 会議資料 of a 代表者会議: the 年度 that ended before the meeting."""

from flask import url_for

from cases import policy
from meetings.agenda.materials import Material
from meetings.models import Meeting, Tier
from portal.dates import fiscal_year, fiscal_year_label
from portal.models import User


def representative_figures(user: User, meeting: Meeting) -> list[Material]:
    """Return the figures of the 年度 before the meeting's, for a 代表者会議, to those who may see them."""
    if meeting.tier != Tier.REPRESENTATIVE or not policy.can_view_figures(user, meeting.council):
        return []
    year = fiscal_year(meeting.starts_at) - 1
    where = {"council_id": meeting.council_id, "year": year}
    label = f"{fiscal_year_label(year)}の統計"
    return [
        Material(f"{label}（画面）", url_for("figures.page", **where), "page"),
        Material(
            f"{label}（{meeting.council.tier_representative} 資料・Word）",
            url_for("figures.docx", **where),
            "docx",
        ),
        Material(f"{label}（Excel）", url_for("figures.xlsx", **where), "xlsx"),
    ]
