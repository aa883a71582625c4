"""`matcher serve` and `matcher api-key`, and the CLI without the service extra."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from matcher.cli import main
from tests.service.conftest import ROOT

# Makes the service extra unimportable in a child interpreter, as if not installed.
_WITHOUT_EXTRA = """
import importlib.abc, sys
class _Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _Absent())
sys.argv = ["matcher", *sys.argv[1:]]
from matcher.cli import main
main()
"""


def _run_without_extra(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRA, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_importing_matcher_loads_no_service_dependency() -> None:
    code = (
        "import sys, matcher, matcher.cli, matcher.service.cli\n"
        "heavy = {'fastapi', 'starlette', 'uvicorn', 'sqlalchemy', 'alembic', 'psycopg'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]"


def test_the_cli_works_without_the_service_extra(caseload_dir: Path) -> None:
    helped = _run_without_extra("--help")
    assert helped.returncode == 0, helped.stderr
    assert "serve" in helped.stdout and "api-key" in helped.stdout
    files = [
        a
        for k in ("mentees", "mentors", "existing", "supervisors", "prisons")
        for a in (f"--{k}", str(caseload_dir / f"{k}.csv"))
    ]
    validated = _run_without_extra("validate", *files)
    assert validated.returncode == 0, validated.stderr
    for args in (["serve"], ["api-key", "list"]):
        refused = _run_without_extra(*args)
        assert refused.returncode == 2
        assert refused.stderr.splitlines() == [
            "error: this command needs the service extra (fastapi is not installed): "
            "pip install 'matcher[service]'"
        ]


def test_api_keys_are_shown_once_listed_without_the_key_and_revoked(tmp_path: Path) -> None:
    db = ["--database", f"sqlite:///{tmp_path / 'keys.db'}"]
    runner = CliRunner()
    assert runner.invoke(main, ["api-key", "list", *db]).output == "no keys\n"
    made = runner.invoke(
        main, ["api-key", "create", *db, "--name", "probation case system", "--role", "analyst"]
    )
    assert made.exit_code == 0, made.output
    key = made.output.splitlines()[-1]
    assert key.startswith("mk_") and len(key) == 46
    listed = runner.invoke(main, ["api-key", "list", *db]).output
    key_id = listed.split()[0]
    assert "analyst" in listed and "active" in listed and "probation case system" in listed
    assert key not in listed
    assert key.encode() not in (tmp_path / "keys.db").read_bytes()  # only its hash is stored
    revoked = runner.invoke(main, ["api-key", "revoke", *db, key_id])
    assert revoked.exit_code == 0
    assert "revoked" in runner.invoke(main, ["api-key", "list", *db]).output
    unknown = runner.invoke(main, ["api-key", "revoke", *db, "nope"])
    assert unknown.exit_code == 2
    assert "must be the id of a key (see api-key list), got 'nope' instead" in unknown.stderr
    bad_role = runner.invoke(main, ["api-key", "create", *db, "--name", "x", "--role", "admin"])
    assert bad_role.exit_code == 2


def test_a_bad_database_url_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["api-key", "list", "--database", "mysql://x/y"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: The 'database' parameter of serve must be an sqlite or postgresql URL, "
        "got a mysql URL instead"
    ]
