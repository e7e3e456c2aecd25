from django import template

from claims.markdown import render_markdown
from claims.models import display_name as _display_name

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def display_name(user):
    return _display_name(user)


ACTION_LABELS = {
    "claim_created": "logged the claim", "claim_updated": "edited the claim", "evidence_added": "added evidence",
    "evidence_updated": "edited evidence", "evidence_removed": "removed evidence",
    "evidence_moved": "reordered evidence",
    "verdict_saved": "saved the verdict", "note_added": "added a note", "note_replied": "replied to a note",
    "note_resolved": "resolved a note", "reply_logged": "logged a contact", "assigned": "assigned the claim",
    "reassigned": "reassigned the claim", "submitted": "submitted for review", "approved": "approved",
    "published": "approved and published", "changes_requested": "requested changes", "dismissed": "dismissed",
    "reopened": "reopened", "retracted": "retracted", "corrected": "corrected", "tip_converted": "converted a tip",
    "speaker_merged": "merged speakers",
}
FIELD_LABELS = {
    "claim_checked": "Claim as checked", "date_said": "Date said", "published_on": "Date",
    "passage": "Quoted passage", "figure_value": "Figure", "figure_unit": "Unit", "figure_period": "Period",
    "url": "URL", "show_publicly": "Show on public page", "contacted_on": "Date",
}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " "))


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
