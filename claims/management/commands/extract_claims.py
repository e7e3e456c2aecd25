"""python manage.py extract_claims PATH [--format json|text] [--print-text]

Runs claim extraction on a .txt or .html file (or ``-`` for standard input) without touching
the database: no models are imported and no system checks run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.extraction import extract_claims, html_to_text


def _looks_like_html(raw: str) -> bool:
    head = raw.lstrip()[:1000].lower()
    return head.startswith(("<!doctype", "<html", "<?xml")) or any(
        tag in head for tag in ("<p>", "<p ", "<body", "<article", "<div"))


class Command(BaseCommand):
    help = "Extract quoted and reported claims, with speakers and check-worthiness, from an article."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="a .txt or .html file, or - for standard input")
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--print-text", action="store_true",
                            help="print the article text first (for HTML, the offsets refer to it)")

    def handle(self, *args, **options) -> None:
        path = options["path"]
        if path == "-":
            raw = sys.stdin.buffer.read().decode("utf-8")
            is_html = _looks_like_html(raw)
        else:
            file = Path(path)
            try:
                # newline="" keeps "\r\n" as it is, so offsets match the file's characters.
                with file.open(encoding="utf-8", newline="") as handle:
                    raw = handle.read()
            except OSError as exc:
                raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
            except UnicodeDecodeError as exc:
                raise CommandError(f"{path} is not UTF-8 text: {exc}") from exc
            suffix = file.suffix.lower()
            is_html = suffix in {".html", ".htm", ".xhtml"} or (suffix != ".txt" and _looks_like_html(raw))
        text = html_to_text(raw) if is_html else raw
        claims = extract_claims(text)
        if options["print_text"]:
            self.stdout.write(text)
            self.stdout.write("")
        if options["format"] == "json":
            self.stdout.write(json.dumps([c.to_dict() for c in claims], ensure_ascii=False, indent=2))
            return
        for c in claims:
            who = c.speaker or "(unattributed)"
            if c.speaker_role:
                who += f" ({c.speaker_role})"
            self.stdout.write(f"[{c.checkworthiness:.2f}] {c.kind:<8} {who}  @{c.start}-{c.end}")
            self.stdout.write(f"    {c.quote}")
            if c.reasons:
                self.stdout.write(f"    reasons: {', '.join(c.reasons)}")
            if c.numbers:
                shown = ", ".join(f"{n['text']} = {n['value']} {n['unit'] or ''}".rstrip() for n in c.numbers)
                self.stdout.write(f"    numbers: {shown}")
