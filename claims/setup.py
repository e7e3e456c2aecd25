"""Things every installation needs: the two desk groups and the default rating scale.

Idempotent: run from a migration and again after every migrate.
"""

from __future__ import annotations

JOURNALISTS = "Journalists"
EDITORS = "Editors"

DEFAULT_RATINGS = [
    # label, slug, value, colour, definition
    ("True", "true", 5, "#1b7a3a", "The statement is accurate and nothing significant is missing."),
    ("Mostly true", "mostly-true", 4, "#4f8a1f",
     "The statement is accurate but needs clarification or additional information."),
    ("Half true", "half-true", 3, "#8a6d00",
     "The statement is partially accurate but leaves out important details or takes things out of context."),
    ("Mostly false", "mostly-false", 2, "#b35400",
     "The statement contains an element of truth but ignores facts that would give a different impression."),
    ("False", "false", 1, "#b3261e", "The statement is not accurate."),
    ("Unproven", "unproven", None, "#5f5f6e",
     "The evidence available does not allow us to say whether the statement is accurate."),
]


def ensure_defaults(using: str = "default", apps=None) -> None:
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Rating = apps.get_model("claims", "Rating")
    for name in (JOURNALISTS, EDITORS):
        Group.objects.using(using).get_or_create(name=name)
    if not Rating.objects.using(using).exists():
        for position, (label, slug, value, colour, definition) in enumerate(DEFAULT_RATINGS):
            Rating.objects.using(using).get_or_create(
                slug=slug,
                defaults={"label": label, "value": value, "colour": colour, "definition": definition,
                          "position": position},
            )
