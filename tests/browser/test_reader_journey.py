"""A public reader's journey in the browser, on the demo data: find a
standard by a word of its text in Chinese and in English, filter the results
and share them by their address, read the standard through its contents,
compare its two editions, cite it and follow the feeds."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EVALUATION = "Evaluation methods for medical large language models (sample)"
RENEWAL = "Safety testing of LLMs in cancer immunotherapy advice (sample)"
ABOLISHED = "Medical LLM evaluation, interim rules (sample)"


def search(page, **filters):
    """Fill the catalogue's form as a reader would, and send it."""
    form = page.get_by_role("search")
    if "q" in filters:
        form.get_by_label("Words of the number, title, scope or text").fill(
            filters["q"]
        )
    if "field" in filters:
        form.get_by_label("Field", exact=True).select_option(label=filters["field"])
    if "abolished" in filters:
        form.get_by_label("Include abolished standards").set_checked(
            filters["abolished"]
        )
    form.get_by_role("button", name="Search").click()


def results(page):
    return page.locator(".catalogue-results h2")


def test_a_reader_finds_reads_compares_cites_and_follows_a_standard(
    transactional_db, live_server, page
):
    call_command("load_working_group")
    call_command("load_demo", password="reader-pass-5512", force=True)

    # The home page shows the latest publications; the nav leads to the
    # catalogue.
    page.goto("/")
    expect(page.get_by_role("link", name=EVALUATION).first).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Standards", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/standards/$"))

    # A Chinese word of the text finds the public standards; abolished ones
    # only when asked for.
    search(page, q="评测")
    expect(page).to_have_url(re.compile(r"[?&]q=%E8%AF%84%E6%B5%8B"))
    expect(page.get_by_role("status")).to_have_text("4 standards")
    expect(results(page)).not_to_contain_text([ABOLISHED])
    expect(page.locator("mark").first).to_have_text("评测")
    search(page, abolished=True)
    expect(page.get_by_role("status")).to_have_text("5 standards")
    expect(page.locator(".catalogue-result", has_text=ABOLISHED)).to_contain_text(
        "Abolished"
    )

    # An English word finds its other forms (stemming); a field narrows it.
    search(page, q="evaluating", abolished=False)
    expect(page.get_by_role("status")).to_have_text("3 standards")
    search(page, field="— Cancer Immunotherapy Subfield")
    expect(page.get_by_role("status")).to_have_text("1 standard")
    expect(results(page)).to_have_text([RENEWAL])
    expect(page.locator(".catalogue-result")).to_contain_text("under renewal")

    # The address holds the search: another reader opening it sees the same.
    shared = page.context.new_page()
    shared.goto(page.url)
    expect(shared.get_by_role("status")).to_have_text("1 standard")
    expect(shared.get_by_label("Field", exact=True)).to_have_value(
        re.compile("cancer-immunotherapy")
    )
    expect(
        shared.get_by_label("Words of the number, title, scope or text")
    ).to_have_value("evaluating")
    shared.close()

    # The reader opens a standard and moves through its contents.
    search(page, q="evaluation", field="Any field")
    page.get_by_role("link", name=EVALUATION).click()
    expect(page.get_by_role("heading", name=EVALUATION, level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Edition 2")
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="2 Evaluation dimensions").click()
    expect(page).to_have_url(re.compile(r"#.+$"))
    expect(
        page.get_by_role("heading", name="2 Evaluation dimensions")
    ).to_be_in_viewport()

    # The two editions compared: the threshold that changed.
    compare = page.locator("form.diff-form")
    compare.get_by_label("From edition").select_option("1")
    compare.get_by_label("To edition").select_option("2")
    compare.get_by_role("button", name="Show the changes").click()
    expect(page.locator("table.diff del").first).to_contain_text("85")
    expect(page.locator("table.diff ins").first).to_contain_text("90")
    page.go_back()

    # Cite it: the plain text names its number, the BibTeX entry downloads.
    cite = page.locator("#cite")
    number = page.locator(".citation-text").inner_text()
    assert re.search(r"LLMSWG", number), number
    with page.expect_download() as download:
        cite.get_by_role("link", name="Download the BibTeX entry (.bib)").click()
    bibtex = download.value.path().read_text(encoding="utf-8")
    assert bibtex.startswith("@") and "Evaluation methods" in bibtex

    # The feeds: this standard's changes and all new publications.
    for feed in page.locator(
        'link[rel="alternate"][type="application/atom+xml"]'
    ).all():
        answer = page.request.get(feed.get_attribute("href"))
        assert answer.ok and "<feed" in answer.text()
        assert EVALUATION in answer.text()
    page.goto("/standards/")
    href = page.get_by_role("link", name="Atom feed").get_attribute("href")
    answer = page.request.get(href)
    assert answer.headers["content-type"].startswith("application/atom+xml")
    # Every publication, that of a standard abolished since included.
    assert EVALUATION in answer.text() and ABOLISHED in answer.text()
