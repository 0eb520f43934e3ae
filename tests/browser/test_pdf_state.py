"""A reader on a standard's page while its PDF is prepared: the page asks
for the PDF's state on its own (static/js/pdf_state.js, no inline script,
so the page can be kept in the public cache) and shows the PDF once it is
ready, without the reader reloading."""

import pytest
from playwright.sync_api import expect

from standards.models import Edition
from standards.pdf import edition_render_pdf
from tests.standards.conftest import lifecycle, world  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_page_shows_the_pdf_once_it_is_ready(page, lifecycle):  # noqa: F811
    standard = lifecycle.published(title="Evaluation of medical LLMs")
    # Rendered at once on publication here (tasks run eagerly): as if the
    # worker had not reached it yet.
    edition = Edition.objects.get(standard=standard)
    Edition.objects.filter(pk=edition.pk).update(pdf_state=Edition.PdfState.PENDING)
    page.goto(f"/standards/{standard.pk}/")
    box = page.locator(".edition-pdf").first
    expect(box).to_contain_text("The PDF is being prepared")
    edition_render_pdf(edition_id=edition.pk)
    # The script asks every few seconds, then reloads the page.
    expect(
        page.locator(".edition-pdf").first.get_by_role("link", name="PDF")
    ).to_be_visible(timeout=20_000)
