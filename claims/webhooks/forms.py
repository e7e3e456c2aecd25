"""The "Add endpoint" form: labels are a contract with users and tests; keep them exactly."""

from __future__ import annotations

from django import forms

from claims.forms import DeskForm, HttpURLField
from claims.models import WebhookEvent


class EndpointForm(DeskForm):
    url = HttpURLField(label="Endpoint URL", max_length=2000,
                       help_text="An https:// address on the public internet; its answers should be 2xx.",
                       widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    events = forms.MultipleChoiceField(label="Events", choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": "Choose at least one event."})
    description = forms.CharField(label="Description", max_length=200, required=False,
                                  help_text="Optional: who runs it, and what for.")
