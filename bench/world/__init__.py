"""A municipality-sized fictional world for benchmarks: councils, agencies, people and N cases.

Rows are written with bulk INSERTs in one transaction and mirror what registration
stores (each child's enrolled involvement with a child-scoped grant, the lead agency, the
児童相談所 joining by the council's rule), so the access policy meets the data it meets in use.
Ids are assigned here rather than returned by the database: SQLite returns the ids of a bulk
insert in order only by inserting row by row, which is five times slower. Every name is made up.
"""

from time import perf_counter

import click
from sqlalchemy import func, select

from bench.world.cases import World
from bench.world.names import CHILD_GUIDANCE_CENTER
from bench.world.rows import BENCH_PASSWORD
from cases.models import Case
from portal import audit
from portal.extensions import db
from portal.models import Agency, User
from portal.transaction import transaction

__all__ = ["BENCH_PASSWORD", "CHILD_GUIDANCE_CENTER", "build_world"]


def build_world(n_cases: int, seed: int = 7) -> dict:
    """Build the world with N cases in one transaction; refuse a database that holds cases or a world."""
    started = perf_counter()
    has_cases = db.session.scalar(select(func.count()).select_from(Case))
    if has_cases or db.session.scalar(select(Agency.id).where(Agency.name == CHILD_GUIDANCE_CENTER)):
        raise click.UsageError(
            "データベースに既にケースがあります。ベンチマーク用データは空のデータベースにだけ作成できます。"
        )
    world = World(seed)
    with transaction():
        world.build_agencies()
        world.flush()
        world.build_cases(n_cases)
        world.flush()
        world.sync_sequences()
        summary = {"cases": n_cases, "agencies": world.added[Agency], "people": world.added[User]}
        audit.record("bench.seed", target_type="bench", detail=summary | {"seed": seed})
    return summary | {"seconds": perf_counter() - started}
