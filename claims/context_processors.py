from django.conf import settings

from claims import permissions


def site(request):
    user = getattr(request, "user", None)
    return {
        "publisher_name": settings.PUBLISHER_NAME,
        "site_url": settings.SITE_URL,
        "archive_public": settings.ARCHIVE_PUBLIC,
        # Called by the template only where it is used (the desk's navigation).
        "is_editor": lambda: permissions.is_editor(user),
    }
