"""The two diff pages, inline and side by side: a draft's versions
(/drafts/<id>/diff/) and a public standard's editions (/standards/<id>/diff/)."""

from django.urls import reverse

from standards import diff, services

from .test_public_page import BODY_1, publish_new_edition, publish_with_body

OLD = "# Scope\n\n医疗大模型评测标准适用于临床问答。\n\nThe model is tested.\n"
NEW = (
    "# Scope\n\n医疗大模型评测标准主要适用于临床问答。\n\n"
    "The model is tested <script>x</script> twice.\n"
)


def get(client, url, user=None, status=200):
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def draft_with_two_versions(lifecycle, world):
    standard = lifecycle.draft(with_version=False)
    for body in (OLD, NEW):
        services.version_create(standard_id=standard.pk, actor=world.member, body=body)
    return standard


def version_diff_url(standard, query=""):
    return reverse("standards:diff", kwargs={"pk": standard.pk}) + query


def test_version_diff_marks_the_inserted_words_inline_by_default(
    client, lifecycle, world
):
    standard = draft_with_two_versions(lifecycle, world)
    html = get(client, version_diff_url(standard), world.member)

    assert "医疗大模型评测标准<ins>主要</ins>适用于临床问答。" in html
    assert (
        "The model is tested<ins> &lt;script&gt;x&lt;/script&gt; twice</ins>." in html
    )
    assert "<script>x</script>" not in html
    assert "2 lines added, 2 lines removed." in html
    assert 'class="table diff"' in html
    assert "diff-side" not in html
    assert 'href="?view=side"' in html  # the toggle to the other view


def test_version_diff_side_by_side(client, lifecycle, world):
    standard = draft_with_two_versions(lifecycle, world)
    html = get(client, version_diff_url(standard, "?a=1&b=2&view=side"), world.member)

    assert 'class="table diff diff-side"' in html
    assert "Old text" in html and "New text" in html
    # The old line on the left, the new one on the right of the same row.
    row = html[html.index("医疗大模型评测标准适用于临床问答。") :]
    row = row[: row.index("</tr>")]
    assert "医疗大模型评测标准<ins>主要</ins>适用于临床问答。" in row
    assert "<script>x</script>" not in html
    # Back to inline keeps the versions chosen; the form keeps the view.
    assert 'href="?a=1&amp;b=2">Show inline</a>' in html
    assert '<input type="hidden" name="view" value="side">' in html


def test_a_block_too_long_to_compare_word_by_word_is_marked_whole_and_said(
    client, lifecycle, world, monkeypatch
):
    monkeypatch.setattr(diff, "MAX_BLOCK_TOKENS", 10)
    standard = draft_with_two_versions(lifecycle, world)
    html = get(client, version_diff_url(standard), world.member)
    assert "too long to compare word by word" in html
    assert (
        "<ins>The model is tested &lt;script&gt;x&lt;/script&gt; twice.</ins>" in html
    )


def test_edition_diff_inline_and_side_by_side(client, lifecycle, world):
    standard = publish_with_body(lifecycle, world)
    publish_new_edition(
        lifecycle,
        world,
        standard,
        BODY_1.replace("评测大模型。", "严格评测大模型。"),
    )
    url = reverse("standards:edition_diff", kwargs={"pk": standard.pk})

    html = get(client, url)
    assert "<ins>严格</ins>评测大模型。" in html
    assert "diff-side" not in html

    html = get(client, url + "?view=side")
    assert 'class="table diff diff-side"' in html
    assert "<ins>严格</ins>评测大模型。" in html
    assert "Show inline" in html
