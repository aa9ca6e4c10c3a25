"""The fictional town of みどり市 (SCENARIOS.md) as demo data; it composes the features, like wsgi.py.

`flask seed-demo` runs the steps in order: the town's councils, agencies and people, then its
cases, support plans, reports, meetings, and intake and moves, each made through the features' own services.
"""

import click
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db


def seed_demo_town() -> None:
    """Load the whole demo town, step by step."""
    from demo import cases, identity, meetings, moves, plans, reports

    for step in (
        identity.seed_identity,
        cases.seed_cases,
        plans.seed_plans,
        reports.seed_reports,
        meetings.seed_meetings,
        moves.seed_moves,
    ):
        step()


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="人が一人もいないときだけ投入する")
def seed_demo(if_empty: bool):
    """Load the fictional town of みどり市 as demo data."""
    from portal.models import User

    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("データがあるため、デモデータは投入しませんでした。")
        return
    seed_demo_town()
    click.echo("デモデータを投入しました。")


@click.command("demo-code")
def demo_code():
    """Show the demo accounts' current second-factor code (from the demo's published key only)."""
    import pyotp

    from demo.identity import DEMO_TOTP_SECRET

    click.echo(f"デモアカウントの確認コード: {pyotp.TOTP(DEMO_TOTP_SECRET).now()}（30秒ごとに変わります）")


def init_app(app: Flask) -> None:
    """Add `flask seed-demo` and `flask demo-code` to the app."""
    app.cli.add_command(seed_demo)
    app.cli.add_command(demo_code)
