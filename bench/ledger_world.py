"""The ledger bench's world: built once into a cached SQLite file (or a wiped PostgreSQL database)."""

import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from bench.world import CHILD_GUIDANCE_CENTER, build_world
from cases.models import Case, Status
from cases.sharing.models import AccessGrant
from portal import create_app
from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole

ROOT = Path(__file__).resolve().parent.parent


def fingerprint() -> str:
    """Name what the cached world depends on: the generator and the migrations."""
    digest = hashlib.sha256()
    for path in [
        *sorted((ROOT / "bench" / "world").glob("*.py")),
        *sorted((ROOT / "migrations" / "versions").glob("*.py")),
    ]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def prepare_sqlite(args, work: Path) -> tuple[str, str]:
    """Build (or reuse) the world file; return the URL of a working copy and how it was obtained."""
    cache = args.db or Path(tempfile.gettempdir()) / "portal-bench" / (
        f"ledger-{args.cases}-{args.seed}-{fingerprint()}.db"
    )
    build = "cached"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        build = build_into(f"sqlite:///{partial}", args)
        partial.rename(cache)
    copy = work / "ledger.db"
    shutil.copy(cache, copy)
    return f"sqlite:///{copy}", f"{build} ({cache})"


def prepare_postgres(url: str, args) -> tuple[str, str]:
    """Reuse the world of the same size in the PostgreSQL test database, or wipe, migrate and fill it."""
    url = url.replace("postgresql://", "postgresql+psycopg://", 1).replace(
        "postgres://", "postgresql+psycopg://"
    )
    if "test" not in (sa.engine.make_url(url).database or ""):
        sys.exit("DATABASE_URL must name a database whose name contains 'test'; the benchmark wipes it.")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        found = None
        if sa.inspect(conn).has_table("cases"):
            cases = conn.execute(sa.text("SELECT count(*) FROM cases")).scalar()
            center = sa.text("SELECT count(*) FROM agencies WHERE name = :name")
            found = (cases, conn.execute(center, {"name": CHILD_GUIDANCE_CENTER}).scalar())
        if found == (args.cases, 1):
            engine.dispose()
            return url, "reused (a world of the same size was there)"
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url, build_into(url, args)


def build_into(url: str, args) -> str:
    """Migrate an empty database and build the world in it; return a line about the build."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        summary = build_world(args.cases, args.seed)
        db.engine.dispose()
    line = (
        f"built in {summary['seconds']:.1f} s: {summary['cases']} cases, "
        f"{summary['agencies']} agencies, {summary['people']} people"
    )
    print(line, flush=True)
    return line


def pick_users() -> list[tuple[str, int]]:
    """Return (label, user id) for a coordinator of the biggest council and a member of its busiest school."""
    council = db.session.execute(
        sa.select(Council.id, Council.name, Council.coordinating_agency_id)
        .join(Case, Case.council_id == Council.id)
        .group_by(Council.id, Council.name, Council.coordinating_agency_id)
        .order_by(sa.func.count().desc())
    ).first()
    coordinator = member(council.coordinating_agency_id, Role.COORDINATOR)
    school = db.session.execute(
        sa.select(Agency.id, Agency.name)
        .join(AgencyKind, AgencyKind.id == Agency.kind_id)
        .join(AccessGrant, AccessGrant.agency_id == Agency.id)
        .join(Case, Case.id == AccessGrant.case_id)
        .where(
            AgencyKind.name == "小学校", Case.council_id == council.id, Case.status == Status.REGISTERED.value
        )
        .group_by(Agency.id, Agency.name)
        .order_by(sa.func.count(sa.distinct(Case.id)).desc())
    ).first()
    teacher = member(school.id, Role.AGENCY_MEMBER)
    return [(f"coordinator, {council.name}", coordinator), (f"school member, {school.name}", teacher)]


def member(agency_id: int, role: Role) -> int:
    """Return the first person of an agency holding a role."""
    return db.session.scalar(
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.agency_id == agency_id, UserRole.role == role.value)
        .order_by(User.id)
    )
