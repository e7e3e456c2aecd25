"""The language a claim is in: BCP 47 tags, and a guess from the words when nobody said.

Pure Python, no Django beyond reading ``settings.LANGUAGE_CODE`` for the default. The guess comes
from py3langid, whose model ships inside the package: nothing is downloaded, nothing leaves the
machine. A guess is only made when it is worth something: a few words and a clear winner, since a
wrong language is worse than the default (it would send the claim to the wrong readers).
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings

MAX_TAG = 35  # the field's length: BCP 47 advises room for 35 characters
MIN_WORDS = 3
# Normalised probabilities from py3langid: a full sentence in a well-known language scores above
# 0.9; a few loanwords or names ("Hotel Taxi Radio Pizza") score well under 0.5.
MIN_PROBABILITY = 0.7

_WORD = re.compile(r"[^\W\d_]{2,}")
# language-extlang-script-region-variant-extension-privateuse, loosely: subtags of 1-8 letters or
# digits after a language of 2-3 letters. The 5-8 letter languages BCP 47 allows were never
# registered, and refusing them keeps a language's name ("English", as schema.org permits) out.
_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")


def normalise_tag(tag: str | None) -> str | None:
    """A BCP 47 tag in its usual case ("pt-br" → "pt-BR", "ZH_hant_tw" → "zh-Hant-TW"), or None for
    anything that is not one. Case is the only thing changed: "iw" stays "iw"."""
    if not tag or not isinstance(tag, str):
        return None
    text = tag.strip().replace("_", "-").lower()
    if len(text) > MAX_TAG or not _TAG.match(text) or text in {"und", "zxx", "mul", "mis"}:
        return None
    parts = text.split("-")
    out = [parts[0]]
    extension = False  # after a singleton (-u-, -x-) subtags keep their lower case
    for part in parts[1:]:
        if extension:
            out.append(part)
        elif len(part) == 1:
            extension = True
            out.append(part)
        elif len(part) == 4 and part.isalpha():  # script
            out.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):  # region
            out.append(part.upper())
        else:
            out.append(part)
    if len(out[-1]) == 1:  # a singleton needs a subtag after it
        return None
    return "-".join(out)


def primary_subtag(tag: str) -> str:
    """The language without its region or script: "pt-BR" → "pt"."""
    return tag.split("-")[0].lower()


def default_language() -> str:
    """The newsroom's language, settings.LANGUAGE_CODE's primary subtag ("en-gb" → "en"). The
    region is left out on purpose: no one chose it for the claim, and detection cannot tell it."""
    return primary_subtag(normalise_tag(settings.LANGUAGE_CODE) or "en")


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    # The module-level py3langid.classify scores in log space; normalised probabilities let one
    # threshold mean the same for a short quote and a long one.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str | None) -> str | None:
    """The language ``text`` is written in, as a primary subtag ("es"), or None when it is too short
    (fewer than three words) or the guess is unsure."""
    if not text or len(_WORD.findall(text)) < MIN_WORDS:
        return None
    language, probability = _identifier().classify(text)
    if probability < MIN_PROBABILITY:
        return None
    return normalise_tag(language)


def language_for(text: str | None, given: str | None = None) -> str:
    """The tag to store: the one given if it is a tag, else the detected language, else the default."""
    return normalise_tag(given) or detect_language(text) or default_language()


# --- names and text-search configurations ----------------------------------------------------------

# The languages the desk offers by name, in their own words; any other BCP 47 tag may be typed.
COMMON_LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "ar", "nl", "pl", "ro", "ru", "uk", "tr", "el", "hi",
                    "zh", "ja", "ko", "ca", "sv", "id", "sw", "fa", "he")
# Where Django's table has no name, or not the one a reader expects.
_NAMES = {"zh": "中文", "yi": "ייִדיש", "eu": "Euskara", "ar": "العربية", "mul": "Multiple languages"}

# The text-search configurations PostgreSQL 16 and later ship (\dF), by the primary subtag they stem;
# every other language is searched word for word ('simple': lower case, no stemming, no stop words).
TEXT_SEARCH_CONFIGS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
    "en": "english", "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}
SIMPLE = "simple"


def search_config(tag: str | None) -> str:
    """The PostgreSQL text-search configuration for a language ("pt-BR" → "portuguese"), 'simple'
    for one PostgreSQL cannot stem. Only names from the table above come out: safe inside SQL."""
    return TEXT_SEARCH_CONFIGS.get(primary_subtag(tag or ""), SIMPLE)


def language_name(tag: str | None) -> str:
    """A language's name in that language, first letter up ("es" → "Español", "pt-BR" →
    "Português (pt-BR)"); the tag itself for one Django does not know."""
    if not tag:
        return ""
    primary = primary_subtag(tag)
    from django.conf.locale import LANG_INFO

    name = _NAMES.get(primary) or LANG_INFO.get(primary, {}).get("name_local") or ""
    if not name:
        return tag
    name = name[:1].upper() + name[1:]
    return name if tag == primary else f"{name} ({tag})"


def is_default(tag: str | None) -> bool:
    """Whether a claim is in the newsroom's language (a region of it counts: "en-GB" for "en")."""
    return not tag or primary_subtag(tag) == default_language()

