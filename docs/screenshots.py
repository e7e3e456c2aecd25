"""Screenshots for the README: the public fact-check page, the claim workspace, the review step and
the desk on a phone.

    .venv/bin/python docs/screenshots.py

Starts its own server on a free port, with its own embedded database in a temporary folder and the
demo newsroom loaded, signs in as the demo journalist and editors through the sign-in form, and
writes PNG files to docs/screenshots/. Needs Chromium at /usr/bin/chromium (or CHROMIUM=path)."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PYTHON = ROOT / ".venv" / "bin" / "python"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen([str(PYTHON), "manage.py", "serve_demo", "--port", str(port), "--noreload"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(900):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2)
            return server
        except OSError as error:
            if server.poll() is not None:
                raise SystemExit("The server stopped before it served.") from error
            time.sleep(0.1)
    raise SystemExit("The server did not start.")


def sign_in(browser, base: str, username: str, password: str, viewport: dict):
    context = browser.new_context(viewport=viewport, color_scheme="light")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    return page


def claim_url(page, base: str, words: str, desk: bool) -> str:
    """The address of the demo claim whose quote holds these words, found as a person would."""
    if desk:
        page.goto(f"{base}/desk/claims/?q={urllib.parse.quote(words)}")
        return page.get_by_test_id("claim-row").first.get_by_role("link").first.get_attribute("href")
    page.goto(f"{base}/search/?q={urllib.parse.quote(words)}")
    return page.locator("main a[href^='/claims/']").first.get_attribute("href")


def shoot(page, name: str, full_page: bool = False) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)
    print(f"docs/screenshots/{name}.png")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="screenshots-"))
    password = secrets.token_urlsafe(12)
    port = free_port()
    env = {**os.environ, "FACTCHECK_ENV": "development", "FACTCHECK_DATA_DIR": str(folder / "pgdata"),
           "DEMO_PASSWORD": password, "SITE_URL": f"http://127.0.0.1:{port}", "LOG_LEVEL": "ERROR"}
    env.pop("DATABASE_URL", None)
    server = start(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--no-sandbox", "--headless", "--disable-gpu"])
            reader = browser.new_context(viewport=LAPTOP, color_scheme="light").new_page()
            reader.goto(base + claim_url(reader, base, "barely any small boat arrivals are Iraqi", desk=False))
            shoot(reader, "fact-check")

            journalist = sign_in(browser, base, "journalist", password, LAPTOP)
            journalist.goto(base + claim_url(journalist, base, "sham designed to look tough", desk=True))
            shoot(journalist, "workspace")

            editor = sign_in(browser, base, "editor2", password, LAPTOP)
            editor.goto(f"{base}/desk/claims/?status=in_review")
            editor.goto(base + editor.get_by_test_id("claim-row").first.get_by_role("link").first.get_attribute("href"))
            review = editor.locator("#review-panel, [data-testid=review]").first
            if review.count():
                review.scroll_into_view_if_needed()
            shoot(editor, "review")

            phone = sign_in(browser, base, "journalist", password, PHONE)
            phone.goto(f"{base}/desk/claims/")
            shoot(phone, "desk-phone")
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
