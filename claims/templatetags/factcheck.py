from html import escape

from django import template
from django.utils.safestring import mark_safe

from claims import events
from claims.markdown import render_markdown
from claims.models import display_name as _display_name

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def display_name(user):
    return _display_name(user)


FIELD_LABELS = {
    "claim_checked": "Claim as checked", "date_said": "Date said", "published_on": "Date",
    "passage": "Quoted passage", "figure_value": "Figure", "figure_unit": "Unit", "figure_period": "Period",
    "url": "URL", "show_publicly": "Show on public page", "contacted_on": "Date",
}


@register.filter
def action_label(action: str) -> str:
    return events.action_label(action)


@register.filter
def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


@register.filter
def change_value(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def is_long(pair) -> bool:
    """A history entry whose text is long enough to show as a word-level diff."""
    from claims.textdiff import is_long_text

    return isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(v, str | None) for v in pair) \
        and any(is_long_text(v) for v in pair)


@register.filter
def word_diff(pair):
    from claims.textdiff import diff_html

    return diff_html(pair[0], pair[1])


@register.simple_tag
def form_token():
    """A desk create form's one-submission token (claims.idempotency)."""
    from django.utils.html import format_html

    from claims.idempotency import new_token

    return format_html('<input type="hidden" name="form_token" value="{}">', new_token())


@register.filter
def iso_time(value) -> str:
    """A moment for ``<time datetime>`` and meta tags: whole seconds (HTML takes at most three
    digits of a second; Django's "c" gives six)."""
    from datetime import datetime

    from django.utils import timezone

    if not value:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@register.simple_tag
def options(choices, selected: str, value: str = "slug", label: str = "name") -> str:
    """A filter's ``<option>`` elements, the chosen one selected. Built in one pass here (each value
    and label escaped): a list of hundreds of speakers is otherwise most of a listing's template work."""
    parts = []
    for choice in choices:
        key = getattr(choice, value)
        chosen = " selected" if selected not in (None, "") and str(key) == str(selected) else ""
        parts.append(f'<option value="{escape(str(key))}"{chosen}>{escape(str(getattr(choice, label)))}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped just above
