"""The lock file installs what requirements.txt and requirements-dev.txt pin, every package with hashes."""

import re

from portal.config import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _name(name: str) -> str:
    """Return a package name as the index compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(text: str) -> dict[str, str]:
    """Return {package: version} of the pinned lines of a requirements file."""
    found = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            found[_name(match.group(1))] = match.group(2)
    return found


def _locked() -> dict[str, list[str]]:
    """Return {package: [hashes]} of the lock file."""
    text = (ROOT / "requirements.lock").read_text()
    entries: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            current = _name(match.group(1))
            entries[current] = [match.group(2)]
        elif current and "--hash=sha256:" in line:
            entries[current].append(line.split("--hash=sha256:")[1].strip(" \\"))
    return entries


def test_every_pin_is_locked_at_its_version():
    locked = _locked()
    for name in ("requirements.txt", "requirements-dev.txt"):
        for package, version in _pins((ROOT / name).read_text()).items():
            assert package in locked, f"{package} of {name} is not in requirements.lock: run `make lock`"
            assert locked[package][0] == version, f"{package}: {name} pins {version}; run `make lock`"


def test_every_locked_package_is_pinned_with_hashes():
    for package, (version, *hashes) in _locked().items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), package
        assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), f"{package} has no hash"


def test_make_installs_with_hash_checking():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes" in makefile and "-r requirements.lock" in makefile
    assert "-r requirements-dev.txt\n" not in makefile.split("lock:")[0], "installs bypass the lock"
