"""wrk (Debian's package) for the benchmarks: its command line, its figures, and a script that
gives every request a query string of its own (so every one is a cache miss)."""

from __future__ import annotations

import subprocess
import tempfile

UNIQUE_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "?load=" .. counter .. "-" .. math.random(1000000000))
end
"""


def wrk_command(port: int, path: str, seconds: float, clients: int = 8, script: str | None = None) -> list[str]:
    command = ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s"]
    if script:
        command += ["-s", script]
    return [*command, f"http://127.0.0.1:{port}{path}"]


def wrk_figures(output: str) -> dict:
    """Requests per second, requests, answers other than 2xx or 3xx, and socket errors."""
    lines = output.splitlines()
    figures = {"rps": float(next(line.split()[1] for line in lines if line.startswith("Requests/sec:"))),
               "requests": int(next(line.split()[0] for line in lines if "requests in" in line)),
               "non2xx": 0, "errors": 0}
    for line in lines:
        if "Non-2xx" in line:
            figures["non2xx"] = int(line.split()[-1])
        if "Socket errors" in line:
            figures["errors"] = sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
    return figures


def wrk(port: int, path: str, seconds: float, clients: int = 8, *, unique: bool = False) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if unique:
            script.write(UNIQUE_LUA)
            script.flush()
        command = wrk_command(port, path, seconds, clients, script.name if unique else None)
        return wrk_figures(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
