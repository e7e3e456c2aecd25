"""Every `.venv/bin/python manage.py …` command the README shows runs exactly as written, in a
checkout where `make` has run (it wrote `.env`), with no other environment of ours."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PYTHON = ROOT / ".venv" / "bin" / "python"

ARTICLE = 'Jo Bloggs, the council leader, said: "We built 1,200 new homes last year, a record."\n'
ARCHIVE = ("claim,speaker,rating,date,url\n"
           "The council built 1200 homes in 2024.,Jo Bloggs,Mostly false,2025-01-10,"
           "https://archive.example.org/checks/readme-1\n")


def readme_commands() -> list[str]:
    """The commands in the README's Quick start and Commands sections."""
    text = README.read_text(encoding="utf-8")
    # Commands runs to the next section or sub-section of the same level; its #### parts belong to it.
    sections = re.findall(r"^## Quick start\n(.*?)^## |^### Commands\n(.*?)^##?#? ", text, re.MULTILINE | re.DOTALL)
    commands = []
    for quick, listed in sections:
        for block in re.findall(r"```sh\n(.*?)```", quick + listed, re.DOTALL):
            for line in block.splitlines():
                command = line.split("  #")[0].strip()
                if ".venv/bin/python manage.py" in command:
                    commands.append(command)
    return commands


def test_it_finds_the_readme_commands():
    assert len(readme_commands()) >= 7
    assert any("import_claimreview" in command for command in readme_commands())


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A folder that looks like the checkout (its .venv and manage.py) with the files the commands name."""
    if not PYTHON.exists() or not (ROOT / ".env").exists():
        pytest.skip("run `make test`: it makes .venv and .env")
    folder = tmp_path_factory.mktemp("readme")
    (folder / ".venv").symlink_to(ROOT / ".venv")
    (folder / "manage.py").symlink_to(ROOT / "manage.py")
    (folder / "tests").symlink_to(ROOT / "tests")  # the fixtures a command may name, as in the checkout
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "archive.csv").write_text(ARCHIVE, encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", readme_commands())
def test_it_runs_the_readme_command_as_written(command, sandbox):
    words = shlex.split(command)
    assignments = {}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        assignments[name] = value
    # Only what a shell has: none of the test run's settings (FACTCHECK_ENV=test, DATABASE_URL…).
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    # Databases of the README test's own on the embedded server, so the developer's demo stays as
    # it was (the benchmark database named in the README gets a name of its own too).
    env.update(assignments)
    env["FACTCHECK_DB_NAME"] = f"readme_{assignments.get('FACTCHECK_DB_NAME', 'commands')}"
    if "FACTCHECK_DB_NAME" not in assignments:
        # What `make` does to the development database before anyone types a command (setup migrates
        # it); a database the command names itself is left as the command finds it.
        migrate = subprocess.run([str(PYTHON), "manage.py", "migrate", "--verbosity", "0"], cwd=sandbox, env=env,
                                 capture_output=True, text=True, timeout=300)
        assert migrate.returncode == 0, migrate.stderr[-2000:]
    result = subprocess.run(words, cwd=sandbox, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr


def _shell_env(**extra: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {**env, **extra}


def test_it_keeps_servers_in_production_whatever_dot_env_says():
    """wsgi.py never reads .env: without FACTCHECK_ENV a server refuses to start without SECRET_KEY."""
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    for module in ("factcheck.wsgi", "factcheck.asgi"):
        result = subprocess.run([python, "-c", f"import {module}"], cwd=ROOT, env=_shell_env(), capture_output=True,
                                text=True, timeout=120)
        assert result.returncode != 0, module
        assert "SECRET_KEY must be set in production" in result.stderr, result.stderr[-1000:]


def test_it_points_absolute_links_at_the_port_make_run_serves():
    result = subprocess.run(["make", "-n", "run", "PORT=9000"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env=_shell_env())
    assert "http://127.0.0.1:9000" in result.stdout, result.stdout


def test_it_refuses_to_fill_a_database_that_holds_real_claims(sandbox):
    env = _shell_env(FACTCHECK_DB_NAME="readme_commands")
    python = str(PYTHON)
    subprocess.run([python, "manage.py", "migrate", "--verbosity", "0"], cwd=sandbox, env=env, check=True,
                   capture_output=True, timeout=300)
    subprocess.run([python, "manage.py", "load_demo"], cwd=sandbox, env=env, check=True, capture_output=True,
                   timeout=300)
    result = subprocess.run([python, "manage.py", "generate_claims", "10"], cwd=sandbox, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "FACTCHECK_DB_NAME=bench" in result.stderr and "--yes" in result.stderr
