"""A standard's title and scope in two languages: kept by its editions,
shown (both, the reader's first) and searchable in either, and the lists and
the citation in the reader's language where the standard has it."""

import re

import pytest
from django.utils import translation

from catalogue.selectors import catalogue_search
from standards import services
from standards.citation import citation_for
from standards.models import Edition, Standard
from tests.standards.conftest import lifecycle, world  # noqa: F401

BILINGUAL = "Robustness evaluation of language models"
BILINGUAL_ZH = "大模型鲁棒性评测方法"
CHINESE_ONLY = "大模型安全对齐指南"


@pytest.fixture
def standards(lifecycle, django_capture_on_commit_callbacks, only_search_hooks):  # noqa: F811
    """A bilingual standard and one written only in Chinese, published."""
    with django_capture_on_commit_callbacks(execute=True):
        bilingual = lifecycle.published(
            title=BILINGUAL,
            title_zh=BILINGUAL_ZH,
            scope="How robust language models are tested.",
            scope_zh="规定大模型鲁棒性的测试方法。",
        )
        chinese = lifecycle.published(
            title=CHINESE_ONLY,
            scope="规定大模型安全对齐的要求。",
            language="zh-hans",
        )
    return (
        Standard.objects.get(pk=bilingual.pk),
        Standard.objects.get(pk=chinese.pk),
    )


def _found(q: str) -> set[str]:
    return {s.title for s in catalogue_search(q=q)}


# --- the record -------------------------------------------------------------


@pytest.mark.django_db
def test_publication_copies_both_titles_and_scopes_into_the_edition(standards):
    bilingual, chinese = standards
    edition = Edition.objects.get(standard=bilingual)
    assert (edition.title, edition.title_zh) == (BILINGUAL, BILINGUAL_ZH)
    assert edition.scope_zh == "规定大模型鲁棒性的测试方法。"
    assert chinese.language == "zh-hans"
    assert Edition.objects.get(standard=chinese).title_zh == ""


@pytest.mark.django_db
def test_a_renewal_does_not_leak_its_unpublished_chinese(
    standards,
    lifecycle,  # noqa: F811
    client,
):
    bilingual, _chinese = standards
    w = lifecycle.w
    lifecycle.go(bilingual, "start_renewal", w.leader)
    services.standard_update(
        standard_id=bilingual.pk,
        actor=w.member,
        title_zh="未发布的新标题",
        scope_zh="未发布的新范围。",
    )
    bilingual = Standard.objects.get(pk=bilingual.pk)
    assert bilingual.title_zh == "未发布的新标题"
    assert bilingual.public_title_zh == BILINGUAL_ZH

    page = client.get(f"/zh-hans/standards/{bilingual.pk}/").content.decode()
    assert BILINGUAL_ZH in page
    assert "未发布" not in page
    api = client.get(f"/api/v1/standards/{bilingual.pk}/").json()
    assert api["title_zh"] == BILINGUAL_ZH
    assert api["scope_zh"] == "规定大模型鲁棒性的测试方法。"
    assert api["draft_title_zh"] is None
    assert _found("未发布") == set()


# --- search -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_standard_with_only_a_chinese_title_is_found_by_it(standards):
    assert _found("安全对齐") == {CHINESE_ONLY}
    assert _found(CHINESE_ONLY) == {CHINESE_ONLY}


@pytest.mark.django_db
def test_a_bilingual_title_is_found_by_either(standards):
    assert BILINGUAL in _found("robustness")
    assert BILINGUAL in _found("鲁棒性")
    assert BILINGUAL in _found(BILINGUAL_ZH)
    # The Chinese scope is searched too.
    assert BILINGUAL in _found("测试方法")


# --- showing ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_catalogue_lists_titles_in_the_readers_language(standards, client):
    english = client.get("/standards/").content.decode()
    chinese = client.get("/zh-hans/standards/").content.decode()
    assert BILINGUAL in english and BILINGUAL_ZH not in english
    assert BILINGUAL_ZH in chinese and BILINGUAL not in chinese
    # Where the other language is missing, the one there is.
    assert CHINESE_ONLY in english and CHINESE_ONLY in chinese


@pytest.mark.django_db
def test_the_public_page_shows_both_titles_the_readers_first(standards, client):
    bilingual, chinese = standards
    english = client.get(f"/standards/{bilingual.pk}/").content.decode()
    assert english.index(BILINGUAL) < english.index(BILINGUAL_ZH)
    assert f'<h1 lang="en">{BILINGUAL}</h1>' in english
    zh = client.get(f"/zh-hans/standards/{bilingual.pk}/").content.decode()
    assert f'<h1 lang="zh-Hans">{BILINGUAL_ZH}</h1>' in zh
    assert BILINGUAL in zh
    assert "规定大模型鲁棒性的测试方法。" in zh
    only = client.get(f"/standards/{chinese.pk}/").content.decode()
    assert f'<h1 lang="zh-Hans">{CHINESE_ONLY}</h1>' in only


@pytest.mark.django_db
def test_the_working_page_shows_both_titles(standards, lifecycle, client):  # noqa: F811
    draft = lifecycle.draft(title="Draft in English", title_zh="中文草案标题")
    client.force_login(lifecycle.w.member)
    html = client.get(f"/drafts/{draft.pk}/").content.decode()
    assert "Draft in English" in html and "中文草案标题" in html


@pytest.mark.django_db
def test_the_citation_uses_the_readers_language_where_there_is_one(standards):
    bilingual, chinese = standards
    bilingual.in_force = Edition.objects.get(standard=bilingual)
    assert citation_for(bilingual, "https://x/").title == BILINGUAL
    with translation.override("zh-hans"):
        assert citation_for(bilingual, "https://x/").title == BILINGUAL_ZH
    chinese.in_force = Edition.objects.get(standard=chinese)
    assert citation_for(chinese, "https://x/").title == CHINESE_ONLY


@pytest.mark.django_db
def test_the_feed_names_a_bilingual_standard_in_the_readers_language(standards, client):
    english = client.get("/feeds/standards.atom").content.decode()
    assert BILINGUAL in english and BILINGUAL_ZH not in english
    chinese = client.get("/zh-hans/feeds/standards.atom").content.decode()
    assert BILINGUAL_ZH in chinese and BILINGUAL not in chinese
    # Where the other language is missing, the one there is.
    assert CHINESE_ONLY in english and CHINESE_ONLY in chinese


# --- editing ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_draft_form_takes_the_chinese_title_and_the_language(
    world,  # noqa: F811
    client,
):
    client.force_login(world.member)
    response = client.post(
        "/drafts/new/",
        {
            "title": "标准草案",
            "title_zh": "",
            "scope": "中文范围。",
            "scope_zh": "",
            "language": "zh-hans",
            "field": world.subfield.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    standard = Standard.objects.get(title="标准草案")
    assert standard.language == "zh-hans"

    client.post(
        f"/drafts/{standard.pk}/edit/",
        {
            "title": "标准草案",
            "title_zh": "",
            "scope": "中文范围。",
            "scope_zh": "",
            "field": world.subfield.pk,
        },
    )
    standard.refresh_from_db()
    assert standard.language == "zh-hans"  # not posted: kept


@pytest.mark.django_db
def test_a_new_draft_is_first_taken_to_be_in_the_readers_language(
    world,  # noqa: F811
    client,
):
    client.force_login(world.member)
    chinese = client.get("/zh-hans/drafts/new/").content.decode()
    english = client.get("/drafts/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<option value="zh-hans"[^>]*selected', chinese)
    assert not re.search(r'<option value="en"[^>]*selected', chinese)
    assert re.search(r'<option value="en"[^>]*selected', english)


@pytest.mark.django_db
def test_the_api_takes_and_gives_both_titles(world, client):  # noqa: F811
    client.force_login(world.member)
    response = client.post(
        "/api/v1/standards/",
        {
            "title": "API bilingual",
            "title_zh": "接口双语标题",
            "scope_zh": "接口范围。",
            "language": "en",
            "field": world.subfield.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title_zh"] == "接口双语标题"
    assert body["draft_title_zh"] == "接口双语标题"
    assert body["language"] == "en"

    response = client.post(
        "/api/v1/standards/",
        {"title": "x", "language": "fr", "field": world.subfield.pk},
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_service_refuses_an_unknown_language(world):  # noqa: F811
    from portal.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.standard_create(
            actor=world.member,
            title="t",
            field=world.subfield,
            language="fr",
        )
