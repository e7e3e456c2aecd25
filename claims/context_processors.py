from django.conf import settings


def site(request):
    return {"publisher_name": settings.PUBLISHER_NAME, "site_url": settings.SITE_URL}
