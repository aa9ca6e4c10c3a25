"""Flask commands of the cases feature: the municipality-sized benchmark world."""

import click


def register(app) -> None:
    """Attach the commands to the app."""
    app.cli.add_command(seed_bench)


@click.command("seed-bench")
@click.option("--cases", "n_cases", default=20000, show_default=True, help="ケース数")
@click.option("--seed", default=7, show_default=True, help="乱数の種")
def seed_bench(n_cases: int, seed: int):
    """Build a municipality-sized world: N cases, hundreds of agencies, thousands of people."""
    from cases.bench_world import build_world

    summary = build_world(n_cases, seed)
    click.echo(
        f"ベンチマーク用データを作成しました: ケース {summary['cases']} 件、機関 {summary['agencies']} 件、"
        f"利用者 {summary['people']} 人（{summary['seconds']:.1f} 秒）"
    )
