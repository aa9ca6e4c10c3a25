"""The figures pages: the councils a person may see, one council's 年度, and its Word and Excel copies."""

from flask import Blueprint, render_template, url_for
from flask_login import login_required

from figures import charts, services
from figures.rules import AGE_BASES, SMALL_COUNTS, SMALL_NOTE, hides_small
from figures.suppress import grid
from portal.dates import fiscal_year, fiscal_year_label, today_in_japan
from portal.downloads import attachment
from portal.gates import me

bp = Blueprint("figures", __name__, url_prefix="/figures")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/")
@login_required
def index():
    """List the councils whose figures the person may see, with their recent 年度."""
    user = me()
    councils = services.councils_for(user)
    latest = fiscal_year(today_in_japan())
    years = [(y, fiscal_year_label(y)) for y in range(latest, max(latest - 5, services.FIRST_YEAR - 1), -1)]
    return render_template(
        "figures/index.html", councils=councils, years=years, default=services.last_closed_year()
    )


@bp.get("/<id:council_id>/<int:year>")
@login_required
def page(council_id: int, year: int):
    """Show one council's figures for a 年度, each number beside the year before, with charts."""
    council = services.council_or_404(me(), council_id, year)
    found = services.figures(council, year)
    hide = hides_small(council, "page")
    shown = []
    for table in found.tables:
        cells = grid(table, hide)
        chart = None
        if table.chart == "bar" and any(not r.total for r in table.rows):
            chart = charts.bars(table, cells)
        elif table.chart == "line":
            chart = charts.line(table, cells)
        shown.append({"table": table, "cells": cells, "chart": chart, "id": f"t-{table.key}"})
    latest = fiscal_year(today_in_japan())
    return render_template(
        "figures/page.html",
        council=council,
        figures=found,
        shown=shown,
        hide=hide,
        small_note=SMALL_NOTE,
        basis=AGE_BASES.get(council.figures_age_basis, ""),
        small_setting=SMALL_COUNTS.get(council.figures_small_counts, ""),
        previous_url=url_for(".page", council_id=council.id, year=year - 1)
        if year > services.FIRST_YEAR
        else None,
        next_url=url_for(".page", council_id=council.id, year=year + 1) if year < latest else None,
    )


def _download(council_id: int, year: int, fmt: str):
    """Send the Word or Excel copy of a council's figures."""
    user = me()
    council = services.council_or_404(user, council_id, year)
    content = services.export(user, council, year, fmt)
    name = f"{fiscal_year_label(year)}_{council.municipality}_代表者会議資料.{fmt}"
    return attachment(content, DOCX if fmt == "docx" else XLSX, name, f"figures-{year}.{fmt}")


@bp.get("/<id:council_id>/<int:year>.xlsx")
@login_required
def xlsx(council_id: int, year: int):
    """Download the figures as Excel: one sheet per table, numbers as numbers."""
    return _download(council_id, year, "xlsx")


@bp.get("/<id:council_id>/<int:year>.docx")
@login_required
def docx(council_id: int, year: int):
    """Download the figures as a 代表者会議 資料 (Word)."""
    return _download(council_id, year, "docx")
