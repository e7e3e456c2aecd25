#!/usr/bin/env python
import os
import sys
from pathlib import Path


def read_env_file(path: Path) -> None:
    """``KEY=value`` lines from a local ``.env`` (``make`` writes one for development); variables
    already set win. Only this command-line entry reads it: ``factcheck.wsgi`` and ``factcheck.asgi``
    never do, so a server started without ``FACTCHECK_ENV`` stays in production and needs a SECRET_KEY."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def main() -> None:
    read_env_file(Path(__file__).resolve().parent / ".env")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
