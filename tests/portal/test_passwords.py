"""Password hashes: argon2 with its strong parameters in use; the suite's cheap ones only in test apps."""

from argon2 import extract_parameters

from portal import create_app
from portal.passwords import FAST, STRONG, check_password, hash_password, hasher


def test_a_portal_app_hashes_with_the_strong_parameters(tmp_path, monkeypatch):
    """An app made as production makes it (no test overrides) uses RFC 9106's profile: t=3, 64 MiB, p=4."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app()
    with app.app_context():
        assert hasher() is STRONG
        params = extract_parameters(hash_password("Correct-Horse-9"))
    assert (params.time_cost, params.memory_cost, params.parallelism) == (3, 65536, 4)
    assert params.type.name == "ID"


def test_fast_hashing_needs_a_testing_app(tmp_path, monkeypatch):
    """Asking for fast hashes outside TESTING changes nothing: a misconfigured city stays strong."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    app = create_app({"PASSWORD_HASHER": "fast", "SECRET_KEY": "x" * 40})
    with app.app_context():
        assert hasher() is STRONG
    app.testing = True
    with app.app_context():
        assert hasher() is FAST


def test_a_cheap_hash_still_verifies_only_its_password():
    """The suite's hashes are real argon2 hashes: the wrong password is refused."""
    stored = FAST.hash("Test-Passw0rd-ok")
    assert check_password(stored, "Test-Passw0rd-ok")
    assert not check_password(stored, "Test-Passw0rd-no")
