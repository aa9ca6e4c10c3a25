"""bench/figures.py runs end to end on a small world and ends with its result line."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_figures_benchmark_runs_quick_and_reports_its_medians(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    command = [sys.executable, str(ROOT / "bench" / "figures.py"), "--quick"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)  # noqa: S603
    assert done.returncode == 0, done.stderr[-2000:]
    last = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"result: figures page_median_ms=\d+ xlsx_median_ms=\d+ docx_median_ms=\d+", last), (
        last
    )
