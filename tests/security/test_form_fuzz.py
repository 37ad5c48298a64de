"""Hostile input on every public and signed-in form: never a server error, nothing partial or oversized kept.

The pages come from the URLconf and their forms from the HTML the pages send (see hostile_input),
so a new form is fuzzed as soon as it is on a page. Each URL is opened as the people it is for (a
visitor and alice for public pages, alice for her own, bob for staff pages, and the states part-way
through signing in or setting up); a URL with arguments gets real ones from SAMPLE_KWARGS, and one
without fails here until it has them, rather than being missed.

The world and the list of forms are built once for the module; every case then runs in a
savepoint that is rolled back, so the cases cannot change what the next one meets.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import Resolver404, URLPattern, resolve, reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.access import is_public
from accounts.models import User
from accounts.views import REPLACING_SESSION
from chat import services as chat_services
from chat.models import CHAT_SUPPORTERS_GROUP
from diary import services as diary_services
from diary.models import DiaryEntry
from guides import services as guide_services
from guides.models import Guide, RightsPage, SavedItem, Step, StepKind, Topic
from referrals import services as referral_services
from referrals.models import CASEWORKERS_GROUP, Area, Handoff, HandoffStatus, ImpactCheck, Need, Organisation
from situation.models import CaseDates
from tests.accounts.helpers import choose_backup_code, submit_password
from tests.accounts.test_passkeys import give_passkey
from tests.factories import PASSWORD, make_user, signed_in_client
from tests.guides.factories import add_step, make_activity_guide, make_rights_page
from tests.security import hostile_input as hostile

pytestmark = pytest.mark.django_db

CORPUS_LINES_PER_FORM = 2
SOMEONE_ELSES_ID = 987654321  # stands in for an id, to be replaced by a negative one
FAST = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


# --- A small world with one of everything the forms work on ----------------------------------


@dataclass
class World:
    alice: User
    bob: User
    newcomer: User
    charlie: User
    guide: Guide
    topic: Topic
    rights_page: RightsPage
    entry: DiaryEntry
    saved: SavedItem
    check: ImpactCheck
    handoff: Handoff
    technique: Step
    video: Step
    confirm_key: str
    reset_token: str
    passkey: Any
    conversation: Any
    case_dates: Any


def build_world() -> World:
    alice = make_user("alice@example.org")
    bob = make_user("bob@example.org", is_staff=True, is_superuser=True)
    bob.groups.add(Group.objects.get_or_create(name=CASEWORKERS_GROUP)[0])
    newcomer = make_user("newcomer@example.org", two_factor=False, verified_email=False)
    charlie = make_user("charlie@example.org")  # resets his password; never signs in, so his link stays good
    guide = make_activity_guide()
    technique = guide.steps.get(kind=StepKind.TECHNIQUE)
    video = add_step(guide, kind=StepKind.VIDEO, title="A short film")
    guide_services.save_step(user=alice, step=guide.ordered_steps()[1], answer="Some words", go_to=technique)
    saved = guide_services.save_to_things_that_help(user=alice, step=technique)
    need = Need.objects.create(slug="feeling-safe", name="Feeling safe")
    organisation = Organisation.objects.create(
        slug="helpers", name="Helpers", summary="They help.", area=Area.NATIONAL, opening_hours="Always"
    )
    organisation.needs.add(need)
    entry = diary_services.write_entry(
        owner=alice,
        submission_id=uuid.uuid4(),
        values={"date": timezone.localdate(), "mood": 3, "text": "A quiet day.", "feelings": ["Calm"]},
        new_feelings=["Calm"],
    )
    _, check = referral_services.record_impact_check(
        user=alice,
        answers={
            "safe_now": "yes",
            "worried_about_harm": "no",
            "daily_life": "a_little",
            "harm_thoughts": "no",
            "someone_to_talk_to": "yes",
        },
    )
    assert check is not None
    contact = referral_services.SafeContact(
        method="phone",
        phone="07700900982",
        email="",
        safe_times=["morning"],
        safe_times_note="",
        voicemail_safe=False,
        text_safe=None,
        email_safe=None,
        code_word="",
        help_topics=[],
        message="",
    )
    support_request = referral_services.request_caseworker(
        user=alice, contact=contact, name="Alice", share_guides=False, submission_token=uuid.uuid4()
    )
    referral_services.request_out_of_hours_support(
        user=None, name="Sam", contact=contact, submission_token=uuid.uuid4()
    )
    handoff = referral_services.register_with_silvercloud(
        user=alice, name="Alice", topics=["sleep"], submission_token=uuid.uuid4()
    )
    Handoff.objects.filter(pk=handoff.pk).update(status=HandoffStatus.FAILED, support_request=support_request)
    handoff.refresh_from_db()
    referral_services.record_view(support_request=support_request, caseworker=bob)  # so the audit list has dates
    address = EmailAddress.objects.get(user=newcomer)
    bob.groups.add(Group.objects.get_or_create(name=CHAT_SUPPORTERS_GROUP)[0])
    chat_services.set_availability(supporter=bob, available=True)
    chat_services.start_chat(nickname="Sam", at_risk=False, address="203.0.113.7")
    conversation = chat_services.take_next_chat(supporter=bob)
    return World(
        alice=alice,
        bob=bob,
        newcomer=newcomer,
        charlie=charlie,
        guide=guide,
        topic=guide.topic,
        rights_page=make_rights_page(),
        entry=entry,
        saved=saved,
        check=check,
        handoff=handoff,
        technique=technique,
        video=video,
        confirm_key=EmailConfirmationHMAC(address).key,
        reset_token=default_token_generator.make_token(charlie),
        passkey=give_passkey(alice),
        conversation=conversation,
        case_dates=CaseDates.objects.create(user=alice, happened_on=timezone.localdate()),
    )


def _activity_numbers(world: World) -> list[int]:
    steps = world.guide.ordered_steps()
    return [number for number, step in enumerate(steps, start=1) if step.kind == StepKind.ACTIVITY]


SampleKwargs = Callable[[World], list[dict[str, Any]]]

SAMPLE_KWARGS: dict[str, SampleKwargs] = {
    "accounts:two-factor-setup-link": lambda w: [
        {"token": signing.dumps(w.newcomer.pk, salt=account_services.SETUP_LINK_SALT)}
    ],
    "account_confirm_email": lambda w: [{"key": w.confirm_key}],
    "account_reset_password_from_key": lambda w: [{"uidb36": user_pk_to_url_str(w.charlie), "key": w.reset_token}],
    "guides:topic": lambda w: [{"slug": w.topic.slug}],
    "guides:remove-item": lambda w: [{"pk": w.saved.pk}],
    "guides:step-of": lambda w: [{"pk": w.technique.pk}],
    "guides:save-step": lambda w: [{"pk": w.technique.pk}],
    "guides:step-video": lambda w: [{"pk": w.video.pk}],
    "guides:step-captions": lambda w: [{"pk": w.video.pk}],
    "guides:preview-guide": lambda w: [{"slug": w.guide.slug}],
    "guides:preview-step": lambda w: [{"slug": w.guide.slug, "number": n} for n in _activity_numbers(w)],
    "guides:guide": lambda w: [{"slug": w.guide.slug}],
    "guides:save-guide": lambda w: [{"slug": w.guide.slug}],
    "guides:restart": lambda w: [{"slug": w.guide.slug}],
    "guides:step": lambda w: [{"slug": w.guide.slug, "number": n} for n in _activity_numbers(w)],
    "guides:step-save": lambda w: [{"slug": w.guide.slug, "number": n} for n in _activity_numbers(w)],
    "rights:preview": lambda w: [{"slug": w.rights_page.slug}],
    "rights:page": lambda w: [{"slug": w.rights_page.slug}],
    "referrals:check-past": lambda w: [{"pk": w.check.pk}],
    "referrals:request": lambda w: [{"pk": w.handoff.support_request_id}],
    "referrals:silvercloud-send-again": lambda w: [{"pk": w.handoff.pk}],
    "referrals:caseworkers:request": lambda w: [{"pk": w.handoff.support_request_id}],
    "referrals:caseworkers:claim": lambda w: [{"pk": w.handoff.support_request_id}],
    "referrals:caseworkers:contact": lambda w: [{"pk": w.handoff.support_request_id}],
    "referrals:caseworkers:note": lambda w: [{"pk": w.handoff.support_request_id}],
    "referrals:caseworkers:status": lambda w: [{"pk": w.handoff.support_request_id}],
    "referrals:caseworkers:handoff": lambda w: [{"pk": w.handoff.pk}],
    "referrals:caseworkers:handoff-send-again": lambda w: [{"pk": w.handoff.pk}],
    "referrals:caseworkers:handoff-resolve": lambda w: [{"pk": w.handoff.pk}],
    "referrals:request-change": lambda w: [{"pk": w.handoff.support_request_id}],
    "referrals:request-withdraw": lambda w: [{"pk": w.handoff.support_request_id}],
    "referrals:request-ask-again": lambda w: [{"pk": w.handoff.support_request_id}],
    "referrals:caseworkers:close": lambda w: [{"pk": w.handoff.support_request_id}],
    "accounts:passkey-remove": lambda w: [{"pk": w.passkey.pk}],
    **{
        f"chat:{name}": (lambda w: [{"pk": w.conversation.pk}])
        for name in (
            "staff-chat",
            "staff-send",
            "staff-canned",
            "staff-organisation",
            "staff-contact-form",
            "staff-transfer",
            "staff-end",
            "staff-block",
            "wrap-up",
        )
    },
    "situation:timeline": lambda w: [{"pk": w.case_dates.pk}],
    "situation:dates-edit": lambda w: [{"pk": w.case_dates.pk}],
    "situation:dates-delete": lambda w: [{"pk": w.case_dates.pk}],
    "diary:entry": lambda w: [{"pk": w.entry.pk}],
    "diary:entry-edit": lambda w: [{"pk": w.entry.pk}],
    "diary:entry-delete": lambda w: [{"pk": w.entry.pk}],
}


def _admin_kwargs(name: str, pattern: URLPattern, world: World) -> list[dict[str, Any]]:
    """The admin's URLs follow one scheme: an object of the model its name is about."""
    keys = set(pattern.pattern.regex.groupindex)
    if not keys:
        return [{}]
    if keys == {"app_label"}:
        return [{"app_label": "guides"}]
    if keys == {"content_type_id", "object_id"}:
        return [{"content_type_id": ContentType.objects.get_for_model(Guide).pk, "object_id": world.guide.pk}]
    if name == "admin:auth_user_password_change":
        return [{"id": world.alice.pk}]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            obj = model._default_manager.order_by("pk").first()
            return [dict.fromkeys(keys, obj.pk)] if obj is not None else []
    raise AssertionError(f"Say which object {name} ({pattern.pattern}) should open")


# The admin's pages with forms on them (its delete and history pages are Django's own confirmations).
ADMIN_FORM_PAGES = ("_changelist", "_add", "_change", "_password_change")
# The project's apps sit at the top of the repository; packages live elsewhere (a .venv inside
# the repository included).
PACKAGE_APP_LABELS = {
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).resolve().parent != Path(settings.BASE_DIR).resolve()
}


def _is_ours(url: str) -> bool:
    """The admin screens of the project's own models count; those of packages (django-otp, allauth...) are theirs."""
    parts = urlsplit(url).path.split("/")
    return len(parts) < 4 or parts[1] != "admin" or parts[2] not in PACKAGE_APP_LABELS


def site_urls(world: World) -> list[tuple[str, URLPattern, str]]:
    """Every URL of the site, with real values for its arguments."""
    urls = []
    for name, pattern in hostile.url_patterns():
        keys = set(pattern.pattern.regex.groupindex)
        if name.startswith("admin:") and not name.endswith(ADMIN_FORM_PAGES):
            continue
        if name.startswith("admin:"):
            samples = _admin_kwargs(name, pattern, world)
        elif keys:
            if name not in SAMPLE_KWARGS:
                raise AssertionError(f"Add real values for {name} ({pattern.pattern}) to SAMPLE_KWARGS")
            samples = SAMPLE_KWARGS[name](world)
        else:
            samples = [{}]
        urls += [(name, pattern, hostile.concrete_url(name, kwargs)) for kwargs in samples]
    return [(name, pattern, url) for name, pattern, url in urls if _is_ours(url)]


# --- Who opens each page, in which state ------------------------------------------------------


def _visitor(world: World) -> Client:
    client = Client(raise_request_exception=False)
    client.post("/account/start/", {"is_16_or_over": "yes"})  # so the sign-up form shows
    return client


def _signed_in(user: User) -> Client:
    client = signed_in_client(user)
    client.raise_request_exception = False
    return client


def _at_the_code_step(world: World) -> Client:
    client = Client(raise_request_exception=False)
    submit_password(client, "alice@example.org", PASSWORD)
    return client


def _at_the_backup_code_step(world: World) -> Client:
    client = _at_the_code_step(world)
    choose_backup_code(client)
    return client


def _setting_up_two_factor(world: World) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.newcomer)
    session = client.session
    session[account_services.SETUP_ALLOWED_SESSION] = world.newcomer.pk  # as the emailed link does
    session.save()
    return client


def _with_a_reset_link(world: World) -> Client:
    client = Client(raise_request_exception=False)
    client.get(
        reverse("account_reset_password_from_key", kwargs=SAMPLE_KWARGS["account_reset_password_from_key"](world)[0])
    )
    return client


def _replacing_the_authenticator(world: World) -> Client:
    client = _signed_in(world.alice)
    session = client.session
    session[REPLACING_SESSION] = timezone.now().timestamp()
    session.save()
    return client


CONTEXTS: dict[str, Callable[[World], Client]] = {
    "a visitor": _visitor,
    "alice": lambda w: _signed_in(w.alice),
    "bob (staff)": lambda w: _signed_in(w.bob),
    "someone at the code step": _at_the_code_step,
    "someone at the backup code step": _at_the_backup_code_step,
    "someone setting up two-factor": _setting_up_two_factor,
    "alice replacing her authenticator": _replacing_the_authenticator,
    "someone with a reset link": _with_a_reset_link,
}
# The states only some pages have.
EXTRA_CONTEXTS = {
    "accounts:sign-in": ["someone at the code step", "someone at the backup code step"],
    "accounts:two-factor-setup": ["someone setting up two-factor"],
    "accounts:replace-authenticator": ["alice replacing her authenticator"],
}
# Pages whose form only works in one state: allauth keeps the reset key in the session, and
# the form posts to an address without it.
ONLY_CONTEXTS = {"account_reset_password_from_key": ["someone with a reset link"]}


def _is_public(name: str, callback: Any) -> bool:
    class _Match:
        url_name = name.split(":")[-1]

    class _Request:
        resolver_match = _Match()

    return is_public(_Request(), callback)  # type: ignore[arg-type]


# Part-way through the sign-in wizard: opening the page again would start it afresh, so the
# form to fuzz is the one the last step answered with.
PART_WAY = {
    "someone at the code step": lambda client: submit_password(client, "alice@example.org", PASSWORD),
    "someone at the backup code step": choose_backup_code,
}


# --- Finding the forms ------------------------------------------------------------------------


@dataclass
class Site:
    world: World
    clients: dict[str, Client]
    url_contexts: dict[str, list[str]] = field(default_factory=dict)  # URL name: who it is for
    forms: list[hostile.Form] = field(default_factory=list)
    findings: list[hostile.Finding] = field(default_factory=list)

    def is_for(self, context: str, path: str) -> bool:
        """Each form is sent as the people its URL is for (bob does not fuzz the sign-in form again)."""
        try:
            name = resolve(urlsplit(path).path).view_name
        except Resolver404:
            return False
        return context in self.url_contexts.get(name, [])


def _opens(response: Any, url: str) -> bool:
    """The page is there for this person: shown at its own address, or there for a POST only."""
    return response.status_code == 405 or (
        response.status_code == 200 and response.request["PATH_INFO"] == urlsplit(url).path
    )


def _who_opens(site: Site, name: str, pattern: URLPattern, url: str) -> dict[str, Any]:
    """Who the page is for, with what each of them saw there.

    Public pages: a visitor and alice. The admin: bob (staff). Any other page: alice, or bob if
    alice cannot open it, so a new staff-only page is found without being listed anywhere.
    """
    if name in ONLY_CONTEXTS:
        seen = {context: hostile.visit(site.clients[context], url) for context in ONLY_CONTEXTS[name]}
    elif _is_public(name, pattern.callback):
        seen = {context: hostile.visit(site.clients[context], url) for context in ("a visitor", "alice")}
    elif name.startswith("admin:"):
        seen = {"bob (staff)": hostile.visit(site.clients["bob (staff)"], url)}
    else:
        seen = {"alice": hostile.visit(site.clients["alice"], url)}
        if not _opens(seen["alice"], url):
            by_bob = hostile.visit(site.clients["bob (staff)"], url)
            if _opens(by_bob, url):
                seen = {"bob (staff)": by_bob}
    for context in EXTRA_CONTEXTS.get(name, []):
        if context in PART_WAY:
            seen[context] = PART_WAY[context](CONTEXTS[context](site.world))
        else:
            seen[context] = hostile.visit(site.clients[context], url)
    return seen


def discover(world: World) -> Site:
    site = Site(world=world, clients={name: make(world) for name, make in CONTEXTS.items()})
    found: list[hostile.Form] = []
    for name, pattern, url in site_urls(world):
        for context, response in _who_opens(site, name, pattern, url).items():
            site.url_contexts.setdefault(name, [])
            if context not in site.url_contexts[name]:
                site.url_contexts[name].append(context)
            if response.status_code >= 500:
                site.findings.append(hostile.Finding(f"GET {url} as {context}", "opening it", "answered 500"))
            if response.get("Content-Type", "").startswith("text/html"):
                page = response.request["PATH_INFO"]
                found += hostile.read_forms(context, page, response.content.decode("utf-8", "replace"))
    forms: dict[tuple[str, str, str, tuple[str, ...]], hostile.Form] = {}
    for form in found:
        if _is_ours(form.action) and site.is_for(form.context, form.action):
            forms.setdefault(form.key, form)
    site.forms = list(forms.values())
    return site


@pytest.fixture(scope="module")
def site(django_db_setup: None, django_db_blocker: Any) -> Iterator[Site]:
    """One world and one list of forms for the whole module, rolled back at its end."""
    with django_db_blocker.unblock(), override_settings(**FAST):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield discover(build_world())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _fuzz(site: Site, cases: Callable[[int, hostile.Form], Iterable[hostile.Case]]) -> list[hostile.Finding]:
    findings: list[hostile.Finding] = []
    for index, form in enumerate(site.forms):
        client = site.clients[form.context]  # each case leaves it as it found it (see hostile.check)
        for case in cases(index, form):
            findings += hostile.check(client, form.method, form.action, case, where=form.describe())
    return findings


def _report(findings: list[hostile.Finding]) -> str:
    return f"{len(findings)} problems:\n" + "\n".join(str(finding) for finding in findings[:60])


# --- The tests --------------------------------------------------------------------------------


def test_the_fuzz_finds_the_forms_people_use(site: Site) -> None:
    assert not site.findings, _report(site.findings)
    found: dict[tuple[str, str, str], set[str]] = {}
    for form in site.forms:  # a page may hold several forms that post to one address
        found.setdefault((form.context, form.method, form.action), set()).update(form.fields)
    entry = f"/diary/{site.world.entry.pk}/edit/"
    reset = f"/account/password/reset/key/{user_pk_to_url_str(site.world.charlie)}-set-password/"
    expected = {
        ("a visitor", "post", "/account/sign-in/"): {"auth-username", "auth-password"},
        ("someone at the code step", "post", "/account/sign-in/"): {"token-otp_token"},
        ("someone at the backup code step", "post", "/account/sign-in/"): {"backup-otp_token"},
        ("a visitor", "post", "/account/signup/"): {"email", "password1", "password2", "role"},
        ("a visitor", "post", "/account/password/reset/"): {"email"},
        ("someone with a reset link", "post", reset): {"password1", "password2"},
        ("a visitor", "post", "/get-support/out-of-hours/"): {"name", "phone", "email", "message", "website"},
        ("alice", "post", "/get-support/check/"): {"safe_now", "harm_thoughts"},
        ("a visitor", "get", "/guides/search/"): {"q"},
        ("a visitor", "get", "/get-support/organisations/"): {"need", "area"},
        ("alice", "post", "/diary/new/"): {"date", "mood", "text", "other_feelings", "helped_note", "keeper"},
        ("alice", "post", entry): {"date", "mood", "text", "version"},
        ("alice", "get", "/diary/chart/"): {"range"},
        ("alice", "post", "/account/settings/delete/"): {"password", "code"},
        ("alice", "post", "/get-support/caseworker/"): {"name", "phone", "safe_times_note", "code_word"},
        ("alice replacing her authenticator", "post", "/account/settings/authenticator/"): {"code"},
        ("someone setting up two-factor", "post", "/account/two-factor/set-up/"): {"code"},
        ("bob (staff)", "post", f"/staff/requests/{site.world.handoff.support_request_id}/note/"): {"note-text"},
        ("bob (staff)", "post", "/admin/guides/guide/add/"): {"title", "slug", "summary", "steps-TOTAL_FORMS"},
    }
    for where, fields in expected.items():
        assert where in found, f"no form found for {where}"
        assert fields <= found[where], f"{where} has {sorted(found[where])}"
    assert len(site.forms) > 50


def test_no_form_fails_or_keeps_anything_on_hostile_input(site: Site) -> None:
    # The staff-only admin's forms are generated from the models: their typed fields go in together,
    # which keeps the run fast (tests/pages/test_admin_limits.py checks each has a limit).
    findings = _fuzz(
        site,
        lambda index, form: hostile.hostile_cases(
            form, field_by_field=not form.action.startswith("/admin/"), multipart=index % 2 == 1
        ),
    )
    assert not findings, _report(findings)


def test_no_form_fails_on_the_naughty_strings(site: Site) -> None:
    if not hostile.CORPUS.is_dir():
        pytest.skip(f"the naughty strings are not sent: no bad-input corpus at {hostile.CORPUS}")
    lines = hostile.corpus_lines()
    sample = hostile.corpus_sample(lines, CORPUS_LINES_PER_FORM * len(site.forms))
    assert len(sample) > 100
    chunks = {
        form.key: sample[index * CORPUS_LINES_PER_FORM : (index + 1) * CORPUS_LINES_PER_FORM]
        for index, form in enumerate(site.forms)
    }
    findings = _fuzz(site, lambda index, form: hostile.corpus_cases(form, chunks[form.key]))
    assert not findings, _report(findings)


# Already percent-encoded, as they go into a query string: the last is a lone surrogate in UTF-8.
HOSTILE_IN_QUERIES = [quote(hostile.OVERSIZED[:5_000]), "%00", hostile.HUGE_NUMBER, "-1", "%ED%B3%BF%FF"]
HOSTILE_IN_ADDRESSES = [str(10**30), "-1", "a%00b", "%FF%FE%ED%A0%80", quote(hostile.OVERSIZED[:3000]), "%3Cscript%3E"]


def test_no_address_fails_on_hostile_ids_or_query_strings(site: Site) -> None:
    """Ids far beyond any column, a negative id, and NUL bytes, bad bytes and oversized text in the address.

    Every page is also opened with the query parameters the views read directly (?next=, ?page=...)
    set to hostile values.
    """
    findings: list[hostile.Finding] = []
    marker = "zz-stands-for-the-value-zz"
    for number, (name, pattern, url) in enumerate(site_urls(site.world)):
        kwargs = dict(resolve(url).kwargs)
        targets: list[tuple[str, str]] = []
        for key in hostile.int_kwargs(pattern):
            targets += [("get", hostile.concrete_url(name, {**kwargs, key: huge})) for huge in hostile.HUGE_IDS]
            targets.append(("post", hostile.concrete_url(name, {**kwargs, key: hostile.HUGE_IDS[0]})))
            negative = hostile.concrete_url(name, {**kwargs, key: SOMEONE_ELSES_ID})
            targets.append(("get", negative.replace(str(SOMEONE_ELSES_ID), "-1")))
        for key in hostile.text_kwargs(pattern):
            template = hostile.concrete_url(name, {**kwargs, key: marker})
            targets += [("get", template.replace(marker, value)) for value in HOSTILE_IN_ADDRESSES]
            targets.append(("post", template.replace(marker, HOSTILE_IN_ADDRESSES[0])))
        # Each parameter gets a different hostile value, going round them from page to page.
        query = "&".join(
            f"{name}={HOSTILE_IN_QUERIES[(number + index) % len(HOSTILE_IN_QUERIES)]}"
            for index, name in enumerate(sorted(hostile.read_directly("get")))
        )
        targets.append(("get", f"{url}?{query}"))
        for context in site.url_contexts[name]:
            for method, target in targets:
                case = hostile.Case(f"{method.upper()} {target[:100]}", {})
                findings += hostile.check(site.clients[context], method, target, case, where=f"{name} as {context}")
    assert not findings, _report(findings)
