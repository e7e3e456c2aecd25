"""Desk forms: labels here are a contract with users and tests; keep them exactly."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from claims import contrast
from claims.languages import COMMON_LANGUAGES, MAX_TAG, language_name, normalise_tag
from claims.models import Claim, Evidence, Rating, ReplyAttempt, Source, Speaker, Topic
from claims.textnorm import has_controls

http_url = URLValidator(schemes=["http", "https"], message="Enter a web address starting with http:// or https://.")


# C0 control characters: no field takes them, except tab, line feed and carriage return in
# multi-line fields. (GET parameters are cleaned instead: claims.middleware.)
CONTROL_MESSAGE = "Remove the control characters (such as NUL) from this field."


def refuse_control_characters(form: forms.BaseForm) -> None:
    """A 422 next to the field, never a 500 from the database and never a silent change."""
    if not form.is_bound:
        return
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or name in form.errors:
            continue
        multi_line = isinstance(field.widget, forms.Textarea)
        key = form.add_prefix(name)
        values = form.data.getlist(key) if hasattr(form.data, "getlist") else [form.data.get(key)]
        if any(isinstance(value, str) and has_controls(value, multi_line=multi_line) for value in values):
            form.add_error(name, CONTROL_MESSAGE)


class DeskForm(forms.Form):
    """Errors are tied to their fields for assistive technology."""

    def _post_clean(self):
        super()._post_clean()
        refuse_control_characters(self)
        for name in self.errors:
            if name in self.fields:
                # Django links help text and errors (<id>_helptext, <id>_error); the templates use those ids.
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                described = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described.insert(0, f"{self[name].auto_id}_helptext")
                widget.attrs["aria-describedby"] = " ".join(described)


class DeskModelForm(DeskForm, forms.ModelForm):
    pass


class SignInForm(AuthenticationForm):
    username = forms.CharField(label="Username", max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="Password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class HttpURLField(forms.URLField):
    default_validators = [http_url]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if value and ":" in value.split("/", 1)[0] and not value.lower().startswith(("http://", "https://")):
            # Refuse javascript:, data:, ftp: … before URLField tries to repair them.
            raise forms.ValidationError(http_url.message, code="invalid")
        return super().to_python(value)


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")
    return value


class SpeakerChoiceField(forms.CharField):
    """A speaker typed by name (the input offers matching names as you type)."""

    def clean(self, value):
        name = super().clean(value)
        if not name:
            return None
        speaker = Speaker.objects.filter(name__iexact=name.strip()).order_by("pk").first()
        if speaker is None:
            raise forms.ValidationError(f"No speaker is called “{name}”. Choose one from the list or use Add speaker.")
        return speaker


class LanguageInput(forms.TextInput):
    """A text box for a BCP 47 tag, offering the common languages by name (a datalist)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        options_id = f"{attrs.get('id') or name}-options"
        attrs.update(list=options_id, autocomplete="off", spellcheck="false")
        options = format_html_join("", '<option value="{}">{}</option>',
                                   ((code, language_name(code)) for code in COMMON_LANGUAGES))
        return format_html('{}<datalist id="{}">{}</datalist>', super().render(name, value, attrs, renderer),
                           options_id, options)


class LanguageField(forms.CharField):
    """A language as a BCP 47 tag ("es", "pt-BR"), in its usual case; blank when none is given."""

    widget = LanguageInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Language")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_TAG)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return ""
        tag = normalise_tag(text)
        if tag is None:
            raise forms.ValidationError(
                "Not a language tag: choose a language from the list, type a BCP 47 tag such as es or pt-BR, "
                "or leave it blank to detect it from the words.", code="invalid")
        return tag


class ClaimForm(DeskForm):
    quote = forms.CharField(label="Quote", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="The exact words, as said.")
    claim_checked = forms.CharField(label="Claim as checked", max_length=500, required=False,
                                    help_text="A short, neutral restatement of what is being checked.")
    speaker = SpeakerChoiceField(label="Speaker", max_length=200)
    language = LanguageField(help_text="Leave blank to detect it from the quote.")
    source_url = HttpURLField(label="Source URL", max_length=2000, required=False)
    date_said = forms.DateField(label="Date said", required=False, validators=[_not_in_future],
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    topics = forms.ModelMultipleChoiceField(label="Topics", queryset=Topic.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, similar_url: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if similar_url:
            # While the quote is typed, the "Similar claims" panel refreshes after a short pause.
            self.fields["quote"].widget.attrs.update({
                "data-hx-get": similar_url, "data-hx-trigger": "input changed delay:500ms",
                "data-hx-target": "#similar-claims", "data-hx-swap": "outerHTML", "data-hx-sync": "this:replace",
            })

    @classmethod
    def initial_for(cls, claim: Claim) -> dict:
        return {
            "quote": claim.quote, "claim_checked": claim.claim_checked, "speaker": claim.speaker.name,
            "language": claim.language, "source_url": claim.source.url if claim.source else "",
            "date_said": claim.date_said, "topics": list(claim.topics.all()), "version": claim.version,
        }

    def service_data(self) -> dict:
        """What the services take; the source is found or created by them, in their transaction."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class AppearanceForm(DeskForm):
    """Another time the claim was said, added from its workspace."""

    quote = forms.CharField(label="Words said", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="The exact words this time.")
    speaker = SpeakerChoiceField(label="Said by", max_length=200)
    language = LanguageField(help_text="Leave it blank to detect it from the words (else the claim's).")
    source_url = HttpURLField(label="Where (URL)", max_length=2000, required=False)
    date_said = forms.DateField(label="When", required=False, validators=[_not_in_future],
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class EvidenceForm(DeskModelForm):
    url = HttpURLField(label="URL", max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Evidence
        fields = ["url", "title", "publisher", "published_on", "passage", "stance", "note",
                  "figure_value", "figure_unit", "figure_period"]
        labels = {
            "title": "Title", "publisher": "Publisher", "published_on": "Date", "passage": "Quoted passage",
            "stance": "Stance", "note": "Note", "figure_value": "Figure", "figure_unit": "Unit",
            "figure_period": "Period",
        }
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "passage": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_published_on(self):
        return _not_in_future(self.cleaned_data.get("published_on"))

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.Meta.fields}


class VerdictForm(DeskForm):
    rating = forms.ModelChoiceField(label="Rating", queryset=Rating.objects.filter(retired=False), required=False,
                                    empty_label="Not rated yet")
    conclusion = forms.CharField(label="Conclusion", max_length=500, required=False,
                                 help_text="One sentence a reader can quote.")
    analysis = forms.CharField(label="Analysis", max_length=50000, required=False,
                               widget=forms.Textarea(attrs={"rows": 10}), help_text="Markdown.")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in ("rating", "conclusion", "analysis")}


class AnnotationForm(DeskForm):
    body = forms.CharField(label="Note", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    start = forms.IntegerField(label="Start", min_value=0, required=False)
    end = forms.IntegerField(label="End", min_value=1, required=False)
    # Browsers count selections in UTF-16 units; the server converts to code points.
    utf16 = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if (start is None) != (end is None):
            self.add_error("end", "Give both the start and the end, or neither.")
        elif start is not None and start >= end:
            self.add_error("end", "The end must come after the start.")
        return cleaned


class ReplyForm(DeskForm):
    body = forms.CharField(label="Reply", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class ReplyAttemptForm(DeskModelForm):
    class Meta:
        model = ReplyAttempt
        fields = ["contacted_on", "channel", "contact", "response", "show_publicly"]
        labels = {"contacted_on": "Date", "channel": "Channel", "contact": "Contact", "response": "Response",
                  "show_publicly": "Show on public page"}
        widgets = {"contacted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "response": forms.Textarea(attrs={"rows": 2})}

    def clean_contacted_on(self):
        return _not_in_future(self.cleaned_data.get("contacted_on"))


class SpeakerForm(DeskModelForm):
    class Meta:
        model = Speaker
        fields = ["name", "kind", "role", "affiliation", "description"]
        labels = {"name": "Name", "kind": "Kind", "role": "Role or title", "affiliation": "Party or affiliation",
                  "description": "Description"}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class SourceForm(DeskModelForm):
    url = HttpURLField(label="URL", max_length=2000, required=False)

    class Meta:
        model = Source
        fields = ["title", "url", "outlet", "published_on", "kind", "full_text"]
        labels = {"title": "Title", "outlet": "Outlet", "published_on": "Date", "kind": "Kind",
                  "full_text": "Full text"}
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "full_text": forms.Textarea(attrs={"rows": 4})}

    def clean_published_on(self):
        return _not_in_future(self.cleaned_data.get("published_on"))


class TopicForm(DeskModelForm):
    class Meta:
        model = Topic
        fields = ["name"]
        labels = {"name": "Name"}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Topic.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"A topic called “{clash.first().name}” already exists.")
        return name


class MergeSpeakersForm(DeskForm):
    keep = forms.ModelChoiceField(label="Keep", queryset=Speaker.objects.all())
    duplicate = forms.ModelChoiceField(label="Merge into it", queryset=Speaker.objects.all())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("keep") and cleaned.get("keep") == cleaned.get("duplicate"):
            self.add_error("duplicate", "Choose two different speakers.")
        return cleaned


def desk_people():
    return (get_user_model().objects.filter(is_active=True)
            .filter(groups__name__in=("Journalists", "Editors")).distinct().order_by("first_name", "last_name"))


class AssignForm(DeskForm):
    assignee = forms.ModelChoiceField(label="Assign to", queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = desk_people()
        self.fields["assignee"].label_from_instance = lambda u: f"{u.first_name} {u.last_name}".strip() or "—"


def utf16_length(text: str) -> int:
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


def utf16_to_codepoints(text: str, offset: int) -> int | None:
    """Convert a UTF-16 offset (what browsers count) to a code point offset (what Python counts).

    None when the offset lies beyond the text: it must be refused, not trimmed."""
    if offset > utf16_length(text):
        return None
    units = 0
    for index, char in enumerate(text):
        if units >= offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


class CorrectionForm(DeskForm):
    kind = forms.ChoiceField(label="Kind", choices=[("correction", "Correction"), ("update", "Update"),
                                                    ("clarification", "Clarification")])
    note = forms.CharField(label="Public note", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Shown with its date on the public fact-check and on the corrections page.")
    quote = forms.CharField(label="Quote", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="The exact words, as said: change them only to correct a transcription.")
    claim_checked = forms.CharField(label="Claim as checked", max_length=500, required=False)
    rating = forms.ModelChoiceField(label="Rating", queryset=Rating.objects.filter(retired=False), required=False,
                                    empty_label="Keep the rating")
    conclusion = forms.CharField(label="Conclusion", max_length=500, required=False)
    analysis = forms.CharField(label="Analysis", max_length=50000, required=False,
                               widget=forms.Textarea(attrs={"rows": 6}))
    evidence_url = HttpURLField(label="New evidence URL", max_length=2000, required=False)
    evidence_title = forms.CharField(label="New evidence title", max_length=300, required=False)
    evidence_stance = forms.ChoiceField(label="New evidence stance", choices=Evidence.Stance.choices,
                                        required=False, initial=Evidence.Stance.CONTEXT)
    evidence_passage = forms.CharField(label="New evidence quoted passage", max_length=5000, required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("evidence_url")) != bool(cleaned.get("evidence_title")):
            self.add_error("evidence_title", "New evidence needs both a URL and a title.")
        return cleaned

    def claim_and_verdict_data(self, claim) -> dict:
        """What the correction changes: empty fields keep their values."""
        verdict = claim.verdict
        data = {"conclusion": self.cleaned_data["conclusion"] or verdict.conclusion,
                "analysis": self.cleaned_data["analysis"] or verdict.analysis,
                "quote": self.cleaned_data["quote"].strip() or claim.quote,
                "claim_checked": self.cleaned_data["claim_checked"].strip() or claim.claim_checked}
        if self.cleaned_data.get("rating"):
            data["rating"] = self.cleaned_data["rating"]
        return data

    def evidence_data(self) -> dict | None:
        if not self.cleaned_data.get("evidence_url"):
            return None
        return {"url": self.cleaned_data["evidence_url"], "title": self.cleaned_data["evidence_title"],
                "stance": self.cleaned_data.get("evidence_stance") or Evidence.Stance.CONTEXT,
                "passage": self.cleaned_data.get("evidence_passage", "")}


class ColourInput(forms.TextInput):
    """``<input type="color">``: always has a value, so HTML allows it neither ``required`` nor
    ``maxlength``."""

    input_type = "color"

    def use_required_attribute(self, initial) -> bool:
        return False


class RatingForm(DeskModelForm):
    class Meta:
        model = Rating
        fields = ["label", "value", "definition", "colour"]
        labels = {"label": "Label", "value": "Value", "definition": "Definition", "colour": "Colour"}
        help_texts = {"value": "A number for the scale (higher is truer); empty for ratings off the scale.",
                      "colour": "Hex colour, such as #1b7a3a. It must stand out on a white page (3:1); the label "
                                "is drawn on it in black or white, whichever reads better."}
        widgets = {"definition": forms.Textarea(attrs={"rows": 2}), "colour": ColourInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].widget.attrs.pop("maxlength", None)

    def clean_colour(self):
        colour = self.cleaned_data["colour"]
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
            raise forms.ValidationError("Give a colour as # and six hex digits, such as #1b7a3a.")
        # Readers see the label drawn on the colour, and the colour against the page (WCAG 1.4.11).
        # On the dark scheme the rating graphic outlines a colour that is too dark to stand out, so
        # only the light page, where the public site and most embeds are read, refuses a colour.
        if not contrast.text_reaches_aa(colour):
            raise forms.ValidationError("Text cannot be read on this colour: choose one that is darker or lighter.")
        if not contrast.stands_out(colour, "light"):
            ratio = contrast.figure(contrast.against_pages(colour)["light"])
            raise forms.ValidationError(
                f"This colour is too pale to see on a white page ({ratio}; it needs at least 3:1): "
                "choose a darker one.")
        return colour


class SuggestForm(forms.Form):
    def _post_clean(self):
        super()._post_clean()
        refuse_control_characters(self)

    text = forms.CharField(label="Claim", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="What was said, and who said it.")
    url = HttpURLField(label="Where did you see it?", max_length=2000, required=False,
                       help_text="A link to the article, video or post.")
    email = forms.EmailField(label="Email", required=False,
                             help_text="Optional: only if you would like us to tell you when we check it.")
    # A honeypot: hidden from people, filled in by bots.
    website = forms.CharField(label="Leave this field empty", required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))


# An article pasted or fetched for intake, in characters: the longest news story is a small part of
# it, and the results form carries the text back, so it must stay within the desk's 1 MB body limit
# (multipart keeps it as UTF-8: at most 4 bytes a character, 3 for most scripts).
ARTICLE_MAX_CHARS = 200_000


class IntakeForm(DeskForm):
    article_text = forms.CharField(
        label="Article text", required=False, max_length=ARTICLE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}), strip=False,
        help_text="Paste the article, or give its address below.",
        error_messages={"max_length": f"This is longer than the desk reads at once ({ARTICLE_MAX_CHARS:,} "
                                      "characters, about 30,000 words): paste it in parts, or give its URL."})
    article_url = HttpURLField(label="Article URL", max_length=2000, required=False,
                               help_text="Fetched by the server (public web addresses only).")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("article_text", "").strip() and not cleaned.get("article_url") \
                and "article_url" not in self.errors:
            self.add_error("article_text", "Paste the article's text or give its URL.")
        return cleaned


class ClaimReviewUploadForm(DeskForm):
    """Step 1 of "Import ClaimReview": a file, or the address of a page or feed."""

    file = forms.FileField(
        label="ClaimReview file", required=False, allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.jsonld,.gz,.html,.htm,application/json,"
                                                         "application/ld+json,application/gzip,text/html"}),
        help_text="JSON, JSON-LD (one record, a list or a data feed), gzipped or not, or a saved HTML page.")
    url = HttpURLField(label="Page or feed URL", max_length=2000, required=False,
                       help_text="Fetched by the server (public web addresses only). Used when no file is chosen.")

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > self.max_bytes:
            raise forms.ValidationError(f"This file is larger than the {self.max_bytes / 1_000_000:g} MB the desk "
                                        "imports at once: split it, or give its address.")
        if upload is not None and upload.size == 0:
            raise forms.ValidationError("This file is empty.")
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("url") and not self.errors:
            self.add_error("file", "Choose a ClaimReview file or give the address of a page or feed.")
        return cleaned
