"""Read pages the way a person does: by role, label and test id."""

from __future__ import annotations

from bs4 import BeautifulSoup


def parse(response_or_html) -> BeautifulSoup:
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    return BeautifulSoup(html, "html.parser")


def field_by_label(soup: BeautifulSoup, text: str):
    label = soup.find("label", string=lambda s: s and s.strip() == text)
    assert label is not None, f"no label {text!r}"
    return soup.find(id=label["for"])


def button(soup: BeautifulSoup, name: str):
    return soup.find(lambda tag: tag.name == "button" and tag.get_text(strip=True) == name)


def texts(elements) -> list[str]:
    return [el.get_text(" ", strip=True) for el in elements]


def post_form(client, url: str, data: dict, **kwargs):
    """POST as a browser sends a form without files (urlencoded; the test client sends multipart)."""
    from urllib.parse import urlencode

    return client.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded", **kwargs)


def all_by_testid(soup: BeautifulSoup, name: str):
    return soup.find_all(attrs={"data-testid": name})
