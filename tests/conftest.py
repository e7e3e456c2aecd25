import os

import pytest
from django.contrib.auth.models import Group

from claims.setup import EDITORS, JOURNALISTS
from tests import factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def journalist(db):
    return factories.UserFactory(username="journalist", first_name="Amira", last_name="Khan",
                                 groups=[Group.objects.get(name=JOURNALISTS)])


@pytest.fixture
def editor(db):
    return factories.UserFactory(username="editor", first_name="Tom", last_name="Hughes",
                                 groups=[Group.objects.get(name=EDITORS)])


@pytest.fixture
def editor2(db):
    return factories.UserFactory(username="editor2", first_name="Grace", last_name="Okafor",
                                 groups=[Group.objects.get(name=EDITORS)])


@pytest.fixture
def outsider(db):
    """Signed in, but in neither desk group."""
    return factories.UserFactory(username="outsider", first_name="Olly", last_name="Outside")


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="admin", first_name="Ada", last_name="Admin",
                                 is_superuser=True, is_staff=True)


@pytest.fixture
def journalist_client(client, journalist):
    client.force_login(journalist)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def run_jobs(db):
    """``run_jobs()`` runs every due background job in this test's transaction (tests/jobs.py)."""
    from tests.jobs import run_jobs as run

    return run


@pytest.fixture(autouse=True)
def _archive_files(settings, tmp_path_factory):
    """Archived bodies go to a folder of the test's own, never var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def site(settings):
    """A local web site the fetcher may reach (tests/site.py)."""
    from tests.site import Site

    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    local = Site()
    yield local
    local.close()


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    """Tests never reach the internet: a host name other than localhost is not found (at once), so a
    job that fetches a fixture's made-up address fails as it would offline. IP literals, such as the
    local site's 127.0.0.1, resolve as usual; tests of the fetcher put in their own resolvers."""
    import ipaddress
    import socket

    real = socket.getaddrinfo

    def offline(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            if name not in ("localhost", ""):
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (tests are offline)") from None
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", offline)


DATABASE_FIXTURES = {"db", "transactional_db", "live_server"}


def pytest_collection_modifyitems(session, config, items):
    """Browser tests run last: Playwright's sync API leaves an event loop running in the main thread
    for the rest of the session, and the other tests are better off without one.

    With FACTCHECK_TESTS=database, only the tests that use the database run: CI's run against
    another PostgreSQL server (.ci/run) repeats those alone, since the others (pytest-django refuses
    them the database) cannot answer differently there."""
    items.sort(key=lambda item: "browser" in item.path.parts)
    if os.environ.get("FACTCHECK_TESTS") != "database":
        return
    kept, left = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames)
        (kept if uses_database else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
