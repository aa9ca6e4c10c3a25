"""The layout holds: imports only go down the layers, modules stay small, one way to save, one sanitizer."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "agencies", "cases", "reports", "meetings", "figures", "demo", "bench")
# Who may import whom: each layer sees itself and the layers below it. reports and meetings sit side
# by side and never import each other (meetings reads report signals through cases.signals); figures
# counts cases, reports and meetings, so it sits above all three.
ALLOWED = {
    "portal": {"portal"},
    "agencies": {"portal", "agencies"},
    "cases": {"portal", "agencies", "cases"},
    "reports": {"portal", "agencies", "cases", "reports"},
    "meetings": {"portal", "agencies", "cases", "meetings"},
    "figures": {"portal", "agencies", "cases", "reports", "meetings", "figures"},
    "demo": {"portal", "agencies", "cases", "reports", "meetings", "figures", "demo"},
    "bench": set(PACKAGES) - {"demo"},
}
# The app factory registers the features and the demo town's command; nothing else in the shell may.
FACTORY = ROOT / "portal" / "__init__.py"
MAX_LINES = 300


def _modules() -> list[Path]:
    """Return every app and bench module."""
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _imported(path: Path) -> set[str]:
    """Return the first-party packages a module imports, at any depth (function-level imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names if name.split(".")[0] in PACKAGES}
    return found


def _name(path: Path) -> str:
    """Return a module's path from the checkout, for messages."""
    return str(path.relative_to(ROOT))


def test_imports_only_go_down_the_layers():
    """A feature imports only the shell and the features below it; reports and meetings stay apart."""
    wrong = []
    for path in _modules():
        layer = path.relative_to(ROOT).parts[0]
        if path == FACTORY:
            continue
        for target in sorted(_imported(path) - ALLOWED[layer]):
            wrong.append(f"{_name(path)} imports {target}")
    assert wrong == []


def test_the_walk_sees_a_forbidden_arrow(tmp_path):
    """The check itself fails on an import that breaks the layering (it is not vacuous)."""
    module = tmp_path / "triage.py"
    module.write_text("def f():\n    from reports.monthly.models import Alert\n")
    assert "reports" in _imported(module) - ALLOWED["meetings"]


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_no_module_is_over_300_lines(path):
    """Every app and bench module stays under the size a reader takes in at once."""
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines"


def test_only_the_transaction_helper_commits_or_rolls_back():
    """Services save through portal.transaction; views, forms and socket handlers never commit.

    The benchmark scripts are left out: their bare-SQL baselines commit as plain SQLAlchemy would.
    """
    allowed = {ROOT / "portal" / "transaction.py"}
    scripts = {p for p in (ROOT / "bench").glob("*.py")}
    found = []
    for path in sorted(set(_modules()) - scripts):
        for node in ast.walk(ast.parse(path.read_text())):
            is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if is_call and node.func.attr in ("commit", "rollback") and path not in allowed:
                found.append(f"{_name(path)}:{node.lineno} {node.func.attr}()")
    assert found == []


def test_bleach_is_used_only_by_the_one_sanitizer():
    """User HTML is cleaned in one module, so one strict rule applies everywhere."""
    users = [_name(p) for p in _modules() if "bleach" in _imported_any(p)]
    assert users == ["portal/sanitize.py"]


def _imported_any(path: Path) -> set[str]:
    """Return every top-level package a module imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_spreadsheet_writer_goes_through_the_one_neutralising_helper():
    """A module that writes CSV or Excel imports portal.spreadsheets (no cell may run as a formula)."""
    helper = ROOT / "portal" / "spreadsheets.py"
    scripts = set((ROOT / "bench").glob("*.py"))  # the benchmarks write their own input files
    writers = []
    for path in sorted(set(_modules()) - scripts):
        source = path.read_text()
        if path != helper and ("csv.writer(" in source or "Workbook(" in source):
            writers.append(path)
    assert writers, "the check found no writer at all"
    unguarded = [_name(p) for p in writers if "portal.spreadsheets" not in p.read_text()]
    assert unguarded == []
