"""What production runs besides the app (deploy/): the Varnish VCL, the nginx TLS front and the
systemd units, each checked by its own tool where that tool is installed (Debian's varnish, nginx
and systemd), skipped, saying why, where it is not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def need(tool: str) -> str:
    path = shutil.which(tool) or next((p for p in (f"/usr/sbin/{tool}", f"/usr/bin/{tool}") if Path(p).exists()),
                                      None)
    if path is None:
        pytest.skip(f"{tool} is not installed (apt-get install {'systemd' if tool.startswith('systemd') else tool})")
    return path


def test_it_ships_a_vcl_that_varnish_compiles(tmp_path):
    varnishd = need("varnishd")
    tmp_path.chmod(0o777)  # run as root, varnishd compiles as its own unprivileged user
    result = subprocess.run([varnishd, "-C", "-f", str(DEPLOY / "varnish.vcl"), "-n", str(tmp_path)],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]


def test_it_ships_an_nginx_front_that_nginx_accepts(tmp_path):
    nginx = need("nginx")
    openssl = need("openssl")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=factcheck.example.org", "-keyout", str(tmp_path / "privkey.pem"),
                    "-out", str(tmp_path / "fullchain.pem")], check=True, capture_output=True, timeout=60)
    conf = (DEPLOY / "nginx.conf").read_text().replace("/etc/ssl/factcheck", str(tmp_path))
    (tmp_path / "nginx.conf").write_text(conf)
    (tmp_path / "logs").mkdir()
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-g", f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/logs/error.log;"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.mark.parametrize("unit", ["factcheck-web.service", "factcheck-worker.service"])
def test_it_ships_systemd_units_that_verify(unit, tmp_path):
    analyze = need("systemd-analyze")
    # The units name the install folder (/srv/factcheck): verified here against this checkout.
    text = (DEPLOY / unit).read_text().replace("/srv/factcheck", str(ROOT))
    text = text.replace("User=factcheck\n", "").replace("Group=factcheck\n", "")
    (tmp_path / unit).write_text(text.replace("EnvironmentFile=/etc/factcheck.env\n", ""))
    result = subprocess.run([analyze, "verify", "--man=no", str(tmp_path / unit)], capture_output=True, text=True,
                            timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not [line for line in output.splitlines() if unit in line], output  # an unknown key, a bad value
