"""A claim's language on the page: its name, and the ``lang`` attribute of its words."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from claims.languages import is_default, language_name

register = template.Library()


@register.simple_tag
def lang_attr(tag: str | None) -> str:
    """ lang="es" for words in another language than the newsroom's (the page's own), so screen
    readers pronounce them as they are; nothing for the newsroom's."""
    return "" if is_default(tag) else format_html(' lang="{}"', tag)


@register.filter
def foreign_language(tag: str | None) -> str:
    """The language's name in itself ("Español") when it is not the newsroom's, else ""."""
    return "" if is_default(tag) else language_name(tag)


@register.filter(name="language_name")
def language_name_filter(tag: str | None) -> str:
    """The language's name in itself: "es" → "Español"."""
    return language_name(tag)
