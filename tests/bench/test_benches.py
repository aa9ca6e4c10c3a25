"""Every benchmark runs at a small size (`--quick`) and ends with its one summary line.

Full sizes stay manual (see bench/README.md); here a change that breaks a bench fails CI. The benches
run on SQLite files of their own in temp folders (DATABASE_URL is cleared: the ledger and reports
benches would wipe a PostgreSQL test database).
"""

import importlib
import re

import pytest

NUMBER = r"[0-9]+(?:\.[0-9]+)?"
SUMMARIES = {
    "ledger": ["coordinator_page_p95_ms", "school_page_p95_ms", "coordinator_ratio_rw", "school_ratio_rw"],
    "live": ["ratio_median", "ratio_p95"],
    "minutes": ["median_ms", "ratio"],
    "reports": ["post40_p95_ms", "upload5000_s"],
}


@pytest.mark.parametrize("name", sorted(SUMMARIES))
def test_a_quick_run_ends_with_its_summary_line(name, monkeypatch, capsys):
    """`bench/<name>.py --quick` runs to the end; its one `result:` line comes last, with its keys."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    importlib.import_module(f"bench.{name}").main(["--quick"])
    lines = capsys.readouterr().out.strip().splitlines()
    summaries = [line for line in lines if line.startswith("result:")]
    keys = " ".join(f"{key}=({NUMBER})" for key in SUMMARIES[name])
    assert summaries == [lines[-1]]
    found = re.fullmatch(rf"result: {name} {keys}", lines[-1])
    assert found, lines[-1]
    assert all(float(value) > 0 for value in found.groups())


def test_the_load_test_runs_quickly_through_nginx_without_errors(monkeypatch, capsys):
    """`bench/load.py --quick`: the production stack on 127.0.0.1, a few people for 15 s, no error."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    importlib.import_module("bench.load").main(["--quick"])
    lines = capsys.readouterr().out.strip().splitlines()
    found = re.fullmatch(rf"result: load errors=(\d+) p95_ms=({NUMBER}) rps=({NUMBER})", lines[-1])
    assert found, lines[-1]
    assert int(found.group(1)) == 0, "\n".join(lines)
    assert float(found.group(3)) > 0
    for kind in ("ledger", "live move", "login code"):
        assert any(f" {kind} " in line for line in lines), f"no {kind} requests were made"
