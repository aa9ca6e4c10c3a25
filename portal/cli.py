"""Flask commands of the shell: audit verification and the first administrator."""

import click
from flask import Flask
from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.models import Agency, AgencyKind, Role, User, UserRole
from portal.passwords import hash_password, password_problems
from portal.transaction import transaction


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    app.cli.add_command(audit_group)
    app.cli.add_command(create_admin)


@click.group("audit")
def audit_group():
    """Work with the audit log."""


@audit_group.command("verify")
def audit_verify():
    """Check that no audit row was altered or removed since it was written."""
    checked, problems = audit.verify_chain()
    if not problems:
        click.echo(f"監査ログは正常です（{checked}行を検証しました）。")
        return
    for problem in problems:
        click.echo(f"行 {problem.seq}: {problem.reason}", err=True)
    click.echo(f"監査ログに{len(problems)}件の異常があります（{checked}行を検証しました）。", err=True)
    raise SystemExit(1)


@click.command("create-admin")
@click.argument("login_id")
@click.argument("name")
@click.option("--agency", default="システム管理", help="所属（なければ作成）")
@click.password_option(prompt="初期パスワード")
def create_admin(login_id: str, name: str, agency: str, password: str):
    """Create a system administrator who must change the password at first login."""
    problems = create_admin_account(login_id, name, agency, password)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"システム管理者 {login_id} を作成しました。")


def create_admin_account(login_id: str, name: str, agency_name: str, password: str) -> list[str]:
    """Create a first system administrator; return the problems (nothing saved when any)."""
    with transaction():
        problems = password_problems(password, login_id, name)
        if db.session.scalar(select(User).where(User.login_id == login_id)):
            problems.append(f"ログインID {login_id} は既に使われています。")
        if problems:
            return problems
        agency = db.session.scalar(select(Agency).where(Agency.name == agency_name))
        if agency is None:
            kind = db.session.scalar(select(AgencyKind).where(AgencyKind.name == "その他"))
            agency = Agency(name=agency_name, kind=kind)
            db.session.add(agency)
        user = User(login_id=login_id, name=name, agency=agency, password_hash=hash_password(password))
        user.role_rows = [UserRole(role=Role.ADMIN.value)]
        db.session.add(user)
        db.session.flush()
        audit.record("admin.user_create", target=user, detail={"roles": [Role.ADMIN.value], "via": "cli"})
    return []
