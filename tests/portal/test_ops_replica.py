"""The read replica (DATABASE_REPLICA_URL, alias `replica`): a visitor's
reads of the catalogue go to it, everything of a signed-in person and every
write to the primary. In the tests the replica alias mirrors the test
database (portal.settings), so the rows are the same."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from catalogue.forms import CatalogueForm
from catalogue.selectors import catalogue_page
from portal.db_router import public_reads
from tests.standards.conftest import no_pdf_renders  # noqa: F401

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("no_pdf_renders"),
]

TITLE = "Replica reads of medical LLM evaluations"


@pytest.fixture
def replica(settings):
    settings.PORTAL_REPLICA_READS = True
    settings.PUBLIC_CACHE_TIMEOUT = 0
    assert settings.DATABASES["replica"]["TEST"]["MIRROR"] == "default"


@pytest.fixture
def published(lifecycle):
    return lifecycle.published(title=TITLE)


def _queries(callable_):
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        result = callable_()
    primary = [
        query["sql"]
        for query in on_primary.captured_queries
        # The catalogue's list of years is raw SQL on django.db.connection,
        # which is always the primary: no router is asked for it.
        if "WITH RECURSIVE years" not in query["sql"]
    ]
    return result, len(on_replica), len(primary)


def test_the_catalogue_selectors_read_the_replica_in_public_reads(replica, published):
    def read():
        with public_reads():
            page = catalogue_page(CatalogueForm({}).filters())
            return [standard.title for standard in page]

    titles, on_replica, on_primary = _queries(read)
    assert TITLE in titles
    assert on_replica > 0
    assert on_primary == 0

    # Outside public_reads(): the primary.
    page, on_replica, on_primary = _queries(
        lambda: list(catalogue_page(CatalogueForm({}).filters()))
    )
    assert on_replica == 0
    assert on_primary > 0


def test_a_visitors_catalogue_page_reads_the_replica(replica, published, client):
    response, on_replica, on_primary = _queries(lambda: client.get("/standards/"))
    assert response.status_code == 200
    assert TITLE in response.content.decode()
    assert on_replica > 0
    assert on_primary == 0


def test_a_signed_in_persons_pages_read_the_primary(replica, published, client, world):
    client.force_login(world.member)
    response, on_replica, on_primary = _queries(lambda: client.get("/standards/"))
    assert response.status_code == 200
    assert TITLE in response.content.decode()
    assert on_replica == 0
    assert on_primary > 0


def test_without_a_replica_everything_reads_the_primary(settings, published, client):
    settings.PORTAL_REPLICA_READS = False
    settings.PUBLIC_CACHE_TIMEOUT = 0

    def read():
        with public_reads():
            return list(catalogue_page(CatalogueForm({}).filters()))

    _page, on_replica, on_primary = _queries(read)
    assert on_replica == 0
    assert on_primary > 0
