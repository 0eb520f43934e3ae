"""Every page, public and each role's, in Chinese shows no English of ours.

The world of this test is written in Chinese (titles, scopes, texts,
comments, people's and organisations' names), so any run of English words
on a page comes from the portal itself: a string not marked for
translation, or one the catalogue does not translate yet. The allowlist is
short: the fixture's usernames and e-mail addresses, standard numbers, URLs
and a few terms kept in Latin letters.

Addresses are reversed in Chinese: with `i18n_patterns` they carry the
/zh-hans/ prefix; every request also asks for Chinese by Accept-Language and
the language cookie, so the test holds with or without the prefix.
"""

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Preferences
from committees.models import (
    AgendaItem,
    Decision,
    Field,
    Meeting,
    MeetingStatus,
    Organisation,
    Person,
    ProcedureStep,
    Role,
    WorkingGroup,
)
from qms.models import QmsStep
from standards import services
from standards.models import Standard, Status
from tests.standards.conftest import Lifecycle
from workplan.models import WorkItem

pytestmark = pytest.mark.django_db

LANGUAGE = "zh-hans"
PASSWORD = "pw-for-tests-1"

# Terms deliberately written in Latin letters in Chinese too.
ALLOWED_TERMS = {
    "LLM",
    "LLMs",
    "API",
    "PDF",
    "Markdown",
    "JSON",
    "CSV",
    "ETag",
    "RSS",
    "Atom",
    "iCalendar",
    "QMS",
    "ID",
    "UTC",
    "DOCX",
    "ODT",
    "BibTeX",
    "SHA",
    "REST",
    "CI",
    "MB",
    "KB",
    "GB",
    # The language switcher names each language in that language.
    "English",
    # The catalogue's search box suggests words in both languages.
    "evaluation",
}
# Standard numbers (LLMSWG 12-2026, LLMSWG-CERT …), URLs, e-mail addresses.
ALLOWED_PATTERNS = [
    re.compile(r"\b" + re.escape(settings.STANDARD_NUMBER_PREFIX) + r"[\w./-]*"),
    re.compile(r"\bhttps?://\S+"),
    re.compile(r"(?<!\w)/[\w./?=&%#-]+"),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # File extensions: “.bib”.
    re.compile(r"(?<![\w.])\.[a-z]{2,4}\b"),
]
# The time zones' own names (Asia/Shanghai, UTC …), as the time zone choice lists them.
TIME_ZONES = frozenset(zoneinfo.available_timezones())
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")
# Words separated by nothing but spaces and light punctuation form one run.
RUN = re.compile(
    r"[A-Za-z][A-Za-z'’]*[A-Za-z](?:[\s,.;:!?()\"“”‘’'/&+-]+[A-Za-z][A-Za-z'’]*[A-Za-z])*"
)

USERNAMES = ("leader", "deputy", "member", "expert", "auditor")

# --- the text a person sees ----------------------------------------------------

SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "template", "svg"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# The last two are the words the search suggestions' script shows
# (static/js/suggest.js takes them from the page, so that no English lives in
# the script).
SHOWN_ATTRIBUTES = (
    "title",
    "aria-label",
    "placeholder",
    "alt",
    "data-suggest-label",
    "data-suggest-status",
)


class VisibleText(HTMLParser):
    """The text nodes outside <script>, <style>, <code> and <pre>, with the
    attributes people read (title, aria-label, placeholder, alt and the
    value of a button)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skipping:
            if tag == self.skipping[-1] and tag not in VOID:
                self.skipping.append(tag)
            return
        if tag in SKIPPED_ELEMENTS:
            self.skipping.append(tag)
            return
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.parts.append(attrs.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        if tag not in SKIPPED_ELEMENTS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return [" ".join(part.split()) for part in parser.parts if part.strip()]


def english_runs(texts: list[str], allowed_words: set[str]) -> list[str]:
    """Runs of English words not on the allowlist, each once, in page order."""
    return list(english_in_context(texts, allowed_words))


def english_in_context(texts: list[str], allowed_words: set[str]) -> dict[str, str]:
    """Each run of English (as ``english_runs``) with the text it is in."""
    found: dict[str, str] = {}
    for original in texts:
        if original.replace(" ", "_") in TIME_ZONES:
            continue
        text = original
        for pattern in ALLOWED_PATTERNS:
            text = pattern.sub(" ", text)
        for run in RUN.finditer(text):
            words = WORD.findall(run.group(0))
            if all(word in allowed_words for word in words):
                continue
            found.setdefault(run.group(0), original)
    return found


# --- a world in Chinese --------------------------------------------------------


@dataclass
class ChineseWorld:
    field: Field
    subfield: Field
    organisation: Organisation
    other_organisation: Organisation
    work_item: WorkItem
    meeting: Meeting
    leader: object
    deputy: object
    member: object
    expert1: object
    expert2: object
    auditor: object
    users: list


def person_user(username, name, kind, *, organisation, field=None):
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        first_name=name[1:],
        last_name=name[0],
    )
    person = Person.objects.create(name=name, organisation=organisation, user=user)
    # They read the portal, and are told of things, in Chinese.
    Preferences.objects.create(user=user, language=LANGUAGE)
    Role.objects.create(
        person=person,
        kind=kind,
        field=field,
        organisation=organisation if kind == Role.Kind.MEMBER_REPRESENTATIVE else None,
    )
    return user


@pytest.fixture
def zh_world(db):
    WorkingGroup.objects.create(
        name="大模型标准工作组",
        goal="制定大模型的评测、安全与应用标准。",
        vision="让大模型安全、可靠、可信地服务社会。",
    )
    for order, title in enumerate(["立项", "起草", "专家评审", "审核", "发布"], 1):
        ProcedureStep.objects.create(
            order=order, title=title, description=f"{title}阶段的工作要求。"
        )
    QmsStep.objects.create(
        order=1, label="第一步", title="质量方针", description="明确质量目标。"
    )
    field = Field.objects.create(
        name="医疗领域", slug="yiliao", description="医疗大模型。"
    )
    subfield = Field.objects.create(
        name="重症监护子领域", slug="zhongzheng", parent=field
    )
    organisation = Organisation.objects.create(
        name="北京大学", slug="pku", is_member=True
    )
    other_organisation = Organisation.objects.create(
        name="清华大学", slug="thu", is_member=True
    )
    work_item = WorkItem.objects.create(
        order=1, title="医疗大模型评测", slug="yiliao-pingce", description="评测方法。"
    )
    Kind = Role.Kind
    leader = person_user("leader", "王伟", Kind.LEADER, organisation=organisation)
    deputy = person_user(
        "deputy", "李娜", Kind.DEPUTY_LEADER, organisation=organisation, field=field
    )
    member = person_user(
        "member", "张敏", Kind.MEMBER_REPRESENTATIVE, organisation=organisation
    )
    expert1 = person_user(
        "expert1", "刘洋", Kind.EXPERT, organisation=other_organisation, field=field
    )
    expert2 = person_user(
        "expert2", "陈静", Kind.EXPERT, organisation=other_organisation, field=field
    )
    auditor = person_user("auditor", "杨帆", Kind.AUDITOR, organisation=organisation)
    meeting = Meeting.objects.create(
        date=date(2026, 11, 20),
        title="第三次全体会议",
        slug="disanci",
        time_zone="Asia/Shanghai",
        place="北京",
        minutes="会议审议了工作计划。",
        status=MeetingStatus.MINUTES_APPROVED,
    )
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="审议工作计划")
    Decision.objects.create(
        meeting=meeting, number=1, text="通过工作计划。", agenda_item=item
    )
    return ChineseWorld(
        field=field,
        subfield=subfield,
        organisation=organisation,
        other_organisation=other_organisation,
        work_item=work_item,
        meeting=meeting,
        leader=leader,
        deputy=deputy,
        member=member,
        expert1=expert1,
        expert2=expert2,
        auditor=auditor,
        users=[leader, deputy, member, expert1, expert2, auditor],
    )


class ChineseLifecycle(Lifecycle):
    """The standards tests' Lifecycle, with Chinese words: takes a draft of
    the Chinese world to a state through the services."""

    def draft(self, title="医疗大模型评测方法"):
        standard = super().draft(
            title=title,
            scope="本标准规定了医疗大模型的评测方法。",
            work_item=self.w.work_item,
            with_version=False,
        )
        services.version_create(
            standard_id=standard.pk,
            actor=self.w.member,
            body="# 范围\n\n本标准规定了医疗大模型的评测方法。\n",
            change_summary="第一版",
        )
        return standard

    def go(self, standard, name, actor, comment="同意。"):
        return super().go(standard, name, actor, comment=comment)

    def submitted(self, **kwargs):
        standard = self.draft(**kwargs)
        self.go(standard, "submit", self.w.member)
        return standard

    def assigned(self, standard):
        services.experts_assign(
            standard_id=standard.pk,
            actor=self.w.deputy,
            experts=[self.w.expert1, self.w.expert2],
        )
        return standard

    def approved(self, standard):
        for expert in (self.w.expert1, self.w.expert2):
            services.recommendation_give(
                standard_id=standard.pk, actor=expert, decision="approve", note="通过。"
            )
        return standard

    def in_review(self, **kwargs):
        standard = self.assigned(self.submitted(**kwargs))
        services.comment_create(
            standard_id=standard.pk,
            actor=self.w.expert1,
            text="第二章的评测指标需要补充。",
            section="2",
            blocking=True,
        )
        return standard

    def returned(self, **kwargs):
        standard = self.in_review(**kwargs)
        self.go(standard, "request_changes", self.w.deputy, comment="请补充评测指标。")
        return standard

    def reviewed(self, **kwargs):
        # Without in_review's blocking comment, which would hold the audit.
        return self.approved(self.assigned(self.submitted(**kwargs)))


@pytest.fixture
def standards_in_every_state(zh_world, no_pdf_renders):
    # Its people act in Chinese: what the portal writes down as they act
    # (history comments, notifications) is in Chinese too.
    with translation.override(LANGUAGE):
        return build_standards(zh_world)


def build_standards(zh_world):
    life = ChineseLifecycle(zh_world)
    published = life.published(title="大模型安全评测规范")
    # A second edition, so that the edition diff has two texts to compare.
    life.go(published, "start_renewal", zh_world.leader, comment="启动修订。")
    services.version_create(
        standard_id=published.pk,
        actor=zh_world.member,
        body="# 范围\n\n本标准规定了大模型安全评测的方法与指标。\n",
        change_summary="修订稿",
    )
    life.go(published, "submit", zh_world.member)
    life.approved(life.assigned(published))
    life.go(published, "advance_to_audit", zh_world.deputy)
    life.go(published, "certify", zh_world.auditor)
    life.go(published, "publish", zh_world.leader)
    # Due for its periodic review: the review lists show it.
    Standard.objects.filter(pk=published.pk).update(
        review_due=date.today() - timedelta(days=10)
    )
    draft = life.draft(title="医疗大模型术语")
    services.standard_update(
        standard_id=draft.pk,
        actor=zh_world.member,
        scope="本标准界定了医疗大模型的常用术语。",
    )
    services.standard_correct(
        standard_id=draft.pk,
        actor=zh_world.leader,
        note=gettext("In the admin"),
        title="医疗大模型常用术语",
    )
    services.version_create(
        standard_id=draft.pk,
        actor=zh_world.member,
        body="# 范围\n\n本标准界定了医疗大模型的术语。\n",
        change_summary="第二版",
    )
    return {
        "draft": draft,
        "submitted": life.submitted(title="医疗大模型数据集要求"),
        "in_review": life.in_review(title="医疗大模型评测方法"),
        "returned": life.returned(title="医疗大模型部署指南"),
        "in_audit": life.in_audit(title="医疗大模型伦理审查"),
        "certified": life.certified(title="医疗大模型安全要求"),
        "published": published,
    }


@pytest.fixture
def no_pdf_renders(monkeypatch):
    monkeypatch.setattr(services.history, "edition_published_hooks", [])
    monkeypatch.setattr(services.history, "audit_certified_hooks", [])


# --- the pages -------------------------------------------------------------------


def chinese_url(url_name, **kwargs) -> str:
    """The address in Chinese: with i18n_patterns it carries /zh-hans/."""
    query = kwargs.pop("query", "")
    with translation.override(LANGUAGE):
        return reverse(url_name, kwargs=kwargs or None) + query


def pages(world: ChineseWorld, s: dict) -> list[tuple[object | None, str, int]]:
    """(who, address, expected status) of every page to read in Chinese."""
    published, draft = s["published"], s["draft"]
    return [
        # The public.
        (None, chinese_url("home"), 200),
        (None, chinese_url("standards:catalogue"), 200),
        (
            None,
            chinese_url(
                "standards:catalogue",
                query=f"?q=安全&field={world.field.slug}&status=in_force&sort=number",
            ),
            200,
        ),
        (None, chinese_url("standards:catalogue", query="?q=不存在的标准"), 200),
        (None, chinese_url("standards:detail", pk=published.pk), 200),
        (
            None,
            chinese_url("standards:edition_diff", pk=published.pk) + "?a=1&b=2",
            200,
        ),
        (None, chinese_url("committees:committees"), 200),
        (None, chinese_url("committees:field", slug=world.field.slug), 200),
        (None, chinese_url("committees:members"), 200),
        (None, chinese_url("committees:procedures"), 200),
        (None, chinese_url("committees:meetings"), 200),
        (None, chinese_url("committees:meeting", slug=world.meeting.slug), 200),
        (None, chinese_url("workplan:index"), 200),
        (None, chinese_url("workplan:item", slug=world.work_item.slug), 200),
        (None, chinese_url("qms:index"), 200),
        (
            None,
            chinese_url("committees:organisation", slug=world.organisation.slug),
            200,
        ),
        (None, chinese_url("login"), 200),
        (None, chinese_url("password_reset"), 200),
        (None, chinese_url("home") + "no-such-page/", 404),
        # A member representative.
        (world.member, chinese_url("standards:dashboard"), 200),
        (world.member, chinese_url("standards:drafts"), 200),
        (world.member, chinese_url("standards:draft", pk=draft.pk), 200),
        (world.member, chinese_url("standards:draft", pk=s["in_review"].pk), 200),
        (world.member, chinese_url("standards:draft", pk=s["returned"].pk), 200),
        (world.member, chinese_url("standards:draft_new"), 200),
        (world.member, chinese_url("standards:draft_edit", pk=draft.pk), 200),
        (world.member, chinese_url("standards:version", pk=draft.pk, number=1), 200),
        (
            world.member,
            chinese_url("standards:diff", pk=draft.pk, query="?a=1&b=2"),
            200,
        ),
        (world.member, chinese_url("accounts:profile"), 200),
        (world.leader, chinese_url("committees:meeting", slug=world.meeting.slug), 200),
        (world.leader, chinese_url("committees:meeting_new"), 200),
        (
            world.leader,
            chinese_url("workplan:item_edit", slug=world.work_item.slug),
            200,
        ),
        (world.member, chinese_url("notifications:list"), 200),
        (world.member, chinese_url("notifications:preferences"), 200),
        (world.member, chinese_url("password_change"), 200),
        # A deputy leader.
        (world.deputy, chinese_url("standards:dashboard"), 200),
        (world.deputy, chinese_url("standards:draft", pk=s["submitted"].pk), 200),
        (world.deputy, chinese_url("standards:draft", pk=s["in_review"].pk), 200),
        (world.deputy, chinese_url("standards:review"), 200),
        (world.deputy, chinese_url("notifications:list"), 200),
        # An expert.
        (world.expert1, chinese_url("standards:dashboard"), 200),
        (world.expert1, chinese_url("standards:draft", pk=s["in_review"].pk), 200),
        (world.expert2, chinese_url("standards:draft", pk=s["in_review"].pk), 200),
        (world.expert1, chinese_url("standards:review"), 200),
        # An auditor.
        (world.auditor, chinese_url("standards:draft", pk=s["in_audit"].pk), 200),
        (world.auditor, chinese_url("standards:review"), 200),
        # The leader.
        (world.leader, chinese_url("standards:dashboard"), 200),
        (world.leader, chinese_url("standards:review"), 200),
        (world.leader, chinese_url("standards:draft", pk=s["certified"].pk), 200),
        (
            world.leader,
            chinese_url(
                "standards:transition_confirm", pk=s["certified"].pk, name="publish"
            ),
            200,
        ),
        (
            world.leader,
            chinese_url("standards:transition_confirm", pk=published.pk, name="abolish")
            + "?from=public",
            200,
        ),
        (world.leader, chinese_url("standards:detail", pk=published.pk), 200),
    ]


def allowed_words(world: ChineseWorld) -> set[str]:
    words = set(ALLOWED_TERMS)
    for user in world.users:
        words.add(user.username)
    return words


def test_every_page_in_chinese_shows_no_english_of_ours(
    client, zh_world, standards_in_every_state, fresh_cache
):
    assert standards_in_every_state["published"].status == Status.PUBLISHED
    allowed = allowed_words(zh_world)
    found: dict[str, dict[str, str]] = {}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = LANGUAGE
    signed_in = object()
    for who, url, status in pages(zh_world, standards_in_every_state):
        if who is not signed_in:
            client.logout()
            if who is not None:
                client.force_login(who)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = LANGUAGE
            signed_in = who
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=LANGUAGE)
        assert response.status_code == status, (
            f"{url} as {getattr(who, 'username', 'anyone')} answers "
            f"{response.status_code}"
        )
        html = response.content.decode()
        runs = english_in_context(visible_text(html), allowed)
        if runs:
            found[f"{url} ({getattr(who, 'username', 'anyone')})"] = runs
    assert not found, (
        "English on pages in Chinese (mark the string for translation, or run "
        "`make messages` and translate it; tests/i18n/test_catalogue.py lists "
        "what the catalogue lacks):\n"
        + "\n".join(
            f"{page}:\n"
            + "\n".join(
                f"    {run!r}" + ("" if run == text else f" in {text[:100]!r}")
                for run, text in runs.items()
            )
            for page, runs in found.items()
        )
    )


# --- the extraction itself ---------------------------------------------------------


def test_the_visible_text_leaves_out_code_and_scripts():
    html = (
        "<title>标准 Draft</title><script>var x = 'English';</script>"
        '<p title="A tip">正文 <code>make messages</code></p>'
        '<input type="hidden" name="next" value="Hidden words">'
        '<input type="submit" value="Send it"><pre>Some code</pre>'
    )
    assert visible_text(html) == ["标准 Draft", "A tip", "正文", "Send it"]


def test_english_runs_ignore_the_allowlist():
    texts = [
        "由 member 于 LLMSWG 3-2026 发布，PDF 下载：https://example.org/a",
        "member@example.org 已提交 Expert review",
        "Markdown 文本（/standards/3/）",
    ]
    assert english_runs(texts, {"member", "PDF", "Markdown"}) == ["Expert review"]


def test_the_error_pages_in_chinese_show_no_english(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.views import defaults

    from portal import views

    request = rf.get("/", HTTP_ACCEPT_LANGUAGE=LANGUAGE)
    request.user = AnonymousUser()
    with translation.override(LANGUAGE):
        pages = {
            400: defaults.bad_request(request, Exception()),
            403: defaults.permission_denied(request, PermissionDenied()),
            500: views.server_error(request),
        }
    found = {
        status: english_runs(visible_text(response.content.decode()), ALLOWED_TERMS)
        for status, response in pages.items()
    }
    assert [response.status_code for response in pages.values()] == [400, 403, 500]
    assert not any(found.values()), f"English on the error pages: {found}"
