"""Build the benchmark world into the configured database: `python -m bench.world --cases 20000`.

The database is DATABASE_URL (or the instance's SQLite file), migrated first; a database that
already holds cases is refused.
"""

import click
from flask_migrate import upgrade

from bench.world import build_world


@click.command()
@click.option("--cases", "n_cases", default=20000, show_default=True, help="ケース数")
@click.option("--seed", default=7, show_default=True, help="乱数の種")
def seed_bench(n_cases: int, seed: int):
    """Build a municipality-sized world: N cases, hundreds of agencies, thousands of people."""
    summary = build_world(n_cases, seed)
    click.echo(
        f"ベンチマーク用データを作成しました: ケース {summary['cases']} 件、機関 {summary['agencies']} 件、"
        f"利用者 {summary['people']} 人（{summary['seconds']:.1f} 秒）"
    )


if __name__ == "__main__":
    from portal import create_app

    app = create_app()
    with app.app_context():
        upgrade()
        seed_bench()
