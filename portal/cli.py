"""Flask commands: audit verification, demo data, first administrator."""

from collections.abc import Callable

import click
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db

# Features add their demo data after the shell's, in registration order.
_demo_seeders: list[Callable[[], None]] = []


def register_demo_seeder(seeder: Callable[[], None]) -> None:
    """Add a step to `flask seed-demo` (once)."""
    if seeder not in _demo_seeders:
        _demo_seeders.append(seeder)


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    from portal import demo

    # The shell's people and councils come first, whenever the features registered theirs.
    if demo.seed_identity not in _demo_seeders:
        _demo_seeders.insert(0, demo.seed_identity)
    app.cli.add_command(audit_group)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)


@click.group("audit")
def audit_group():
    """Work with the audit log."""


@audit_group.command("verify")
def audit_verify():
    """Check that no audit row was altered or removed since it was written."""
    from portal.audit import verify_chain

    checked, problems = verify_chain()
    if not problems:
        click.echo(f"監査ログは正常です（{checked}行を検証しました）。")
        return
    for problem in problems:
        click.echo(f"行 {problem.seq}: {problem.reason}", err=True)
    click.echo(f"監査ログに{len(problems)}件の異常があります（{checked}行を検証しました）。", err=True)
    raise SystemExit(1)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="人が一人もいないときだけ投入する")
def seed_demo(if_empty: bool):
    """Load the fictional town of みどり市 as demo data."""
    from portal.models import User

    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("データがあるため、デモデータは投入しませんでした。")
        return
    for seeder in _demo_seeders:
        seeder()
    click.echo("デモデータを投入しました。")


@click.command("create-admin")
@click.argument("login_id")
@click.argument("name")
@click.option("--agency", default="システム管理", help="所属（なければ作成）")
@click.password_option(prompt="初期パスワード")
def create_admin(login_id: str, name: str, agency: str, password: str):
    """Create a system administrator who must change the password at first login."""
    from portal.demo import create_admin_account

    problems = create_admin_account(login_id, name, agency, password)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"システム管理者 {login_id} を作成しました。")
