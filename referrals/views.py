"""Get support: the impact check, requests for a person, SilverCloud, the partner directory,
and the caseworkers' queue."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import public
from accounts.models import Role
from guides import catalogue
from guides.models import Guide
from guides.tailoring import suggested_guides, supporter_guides
from mysupportspace.client_address import client_address
from referrals import follow_up, forms, limits, services
from referrals.hours import describe_moments, service_hours
from referrals.models import (
    Area,
    AuditAction,
    AuditEntry,
    CaseNote,
    Destination,
    Handoff,
    HandoffStatus,
    ImpactCheck,
    Need,
    Organisation,
    Outcome,
    RequestStage,
    RequestStatus,
    SupportRequest,
    UrgencyReason,
    is_caseworker,
)
from situation.models import crime_type_label
from situation.services import crime_types_for, crime_types_to_share

OUTCOME_SESSION = "referrals_impact_outcome"
REASONS_SESSION = "referrals_impact_reasons"
# For a supporter's check: the outcome for the person they support (OUTCOME_SESSION holds their own).
THEIR_OUTCOME_SESSION = "referrals_impact_their_outcome"
SENT_REQUEST_SESSION = "referrals_sent_request"
# The private key of the request just sent without an account, for its confirmation page only.
SENT_KEY_SESSION = "referrals_sent_request_key"
# Tries at a private key from one address: plenty for typing mistakes, nothing for guessing.
KEY_LOOKUP_LIMITS = [(20, 10 * 60), (60, 24 * 60 * 60)]
# Posts of the public request form from one address: enough for someone correcting mistakes.
PUBLIC_FORM_LIMITS = [(10, 10 * 60), (30, 24 * 60 * 60)]
SIGNED_IN_FORM_LIMIT = (10, 60 * 60)


# --- Get support ------------------------------------------------------------------------------


@public
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/start.html", {"hours": service_hours().describe()})


@public
def impact_check(request: HttpRequest) -> HttpResponse:
    """The person's own check. Signed-in supporters are asked the supporter's questions unless they
    choose to answer about themselves (``?about=yourself``)."""
    user: Any = request.user
    if (
        request.method == "GET"
        and user.is_authenticated
        and user.role == Role.SUPPORTER
        and request.GET.get("about") != "yourself"
    ):
        return redirect("referrals:check-supporter")
    form = forms.ImpactCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome, check = services.record_impact_check(
            user=user if user.is_authenticated else None, answers=form.cleaned_data
        )
        request.session[OUTCOME_SESSION] = outcome.value
        request.session[REASONS_SESSION] = ImpactCheck.urgency_reasons_for(form.cleaned_data)
        request.session.pop(THEIR_OUTCOME_SESSION, None)
        if check is not None:
            return redirect(check)
        return redirect("referrals:check-result")
    return render(request, "referrals/impact_check.html", {"form": form})


@public
def supporter_check(request: HttpRequest) -> HttpResponse:
    """For someone answering about a person they support: about that person, then about themselves."""
    form = forms.SupporterCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user: Any = request.user
        their_outcome, own_outcome, check = services.record_supporter_check(
            user=user if user.is_authenticated else None, answers=form.cleaned_data
        )
        request.session[OUTCOME_SESSION] = own_outcome.value
        request.session[REASONS_SESSION] = ImpactCheck.urgency_reasons_for(form.cleaned_data)
        request.session[THEIR_OUTCOME_SESSION] = their_outcome.value
        if check is not None:
            return redirect(check)
        return redirect("referrals:check-result")
    return render(request, "referrals/supporter_check.html", {"form": form})


@public
def impact_result(request: HttpRequest) -> HttpResponse:
    """The result of the check just taken by someone signed out (kept in their session only)."""
    outcome = request.session.get(OUTCOME_SESSION)
    if outcome not in Outcome.values:
        return redirect("referrals:check")
    their_outcome = request.session.get(THEIR_OUTCOME_SESSION)
    if their_outcome in Outcome.values:
        return _supporter_result_page(
            request, their_outcome=Outcome(their_outcome), own_outcome=Outcome(outcome), check=None
        )
    return _result_page(request, outcome=Outcome(outcome), check=None)


def impact_check_past(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(ImpactCheck, pk=pk, user=request.user)
    if check.is_supporter_check:
        return _supporter_result_page(
            request, their_outcome=Outcome(check.their_outcome), own_outcome=Outcome(check.outcome), check=check
        )
    return _result_page(request, outcome=Outcome(check.outcome), check=check)


def _supporter_result_page(
    request: HttpRequest, *, their_outcome: Outcome, own_outcome: Outcome, check: ImpactCheck | None
) -> HttpResponse:
    return render(
        request,
        "referrals/supporter_result.html",
        {
            "their_outcome": their_outcome.value,
            "own_outcome": own_outcome.value,
            "check": check,
            "guides": supporter_guides(user=request.user, limit=4),
            "hours": service_hours().describe(),
        },
    )


def _result_page(request: HttpRequest, *, outcome: Outcome, check: ImpactCheck | None) -> HttpResponse:
    user: Any = request.user
    guides = _recommended_guides(user) if outcome != Outcome.DANGER else []
    return render(
        request,
        "referrals/impact_result.html",
        {"outcome": outcome.value, "check": check, "guides": guides, "hours": service_hours().describe()},
    )


def _recommended_guides(user: Any) -> list[Guide]:
    """A few guides for this person: those for what happened first (if they told us), then general coping
    guides (or, for supporters and witnesses, the guides written for them)."""
    return suggested_guides(user=user, crime_types=crime_types_for(user), limit=4, coping_first=True)


def my_support(request: HttpRequest) -> HttpResponse:
    """The person's own page: past check results, requests and hand-offs, with their status."""
    user: Any = request.user
    return render(
        request,
        "referrals/my_support.html",
        {
            "checks": ImpactCheck.objects.filter(user=user)[:50],
            "support_requests": SupportRequest.objects.filter(user=user).prefetch_related("handoffs")[:50],
            "silvercloud_handoffs": Handoff.objects.filter(user=user, destination=Destination.SILVERCLOUD)[:20],
        },
    )


def _own_request(request: HttpRequest, pk: int) -> SupportRequest:
    """The signed-in person's own request, or one made without an account that this browser session
    opened with its private key; anyone else's is "page not found"."""
    requests = SupportRequest.objects.select_related("referred_to").prefetch_related("handoffs")
    if follow_up.session_may_see(request.session, pk):
        return get_object_or_404(requests, pk=pk, user=None)
    if not request.user.is_authenticated:
        raise _SignInFirst
    return get_object_or_404(requests, pk=pk, user=request.user)


class _SignInFirst(Exception):
    """Someone signed out opened a private request page without its key: the sign-in page, as for any private page."""


def _signed_out_see_sign_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Public (a key may have opened the request for this session), but otherwise as private as any page."""

    @public
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _SignInFirst:
            return redirect_to_login(request.get_full_path())

    return wrapper


@_signed_out_see_sign_in
def support_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = _own_request(request, pk)
    attempts = services.failed_attempts_at_safe_times(support_request)
    return render(
        request,
        "referrals/request_detail.html",
        {
            "support_request": support_request,
            "window": service_hours().next_contact(support_request.created_at),
            "tried": describe_moments([note.created_at for note in attempts]),
            "later_request": support_request.followed_by.order_by("-created_at").first(),
            "stages": RequestStage.choices,
            "opened_by_key": support_request.user_id is None,
        },
    )


@public
def follow_up_enter_key(request: HttpRequest) -> HttpResponse:
    """The same, typing the key in (nothing of it goes into the address bar or history)."""
    form = forms.FollowUpKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _open_with_key(request, form.cleaned_data["key"], form=form)
    return render(request, "referrals/follow_up_key.html", {"form": form})


def _open_with_key(request: HttpRequest, key: str, *, form: forms.FollowUpKeyForm) -> HttpResponse:
    address = client_address(request)
    for limit, window in KEY_LOOKUP_LIMITS:
        if not limits.hit(scope=f"follow-up-key-{window}", key=address, limit=limit, window_seconds=window):
            return render(request, "429.html", status=429)
    support_request = services.request_opened_by_key(key)
    if support_request is None:
        form.add_error("key", "We could not find a request with that key. Check it and try again")
        return render(request, "referrals/follow_up_key.html", {"form": form, "not_found": True}, status=404)
    request.session.cycle_key()
    follow_up.let_session_see(request.session, support_request.pk)
    return redirect(support_request)


def caseworker_request(request: HttpRequest) -> HttpResponse:
    return _caseworker_request_page(request, follows=None)


@_signed_out_see_sign_in
def support_request_ask_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask again after a request closed: the same form, filled in with what they told us last time."""
    earlier = _own_request(request, pk)
    if earlier.is_open:
        return redirect(earlier)
    if earlier.user_id is None:
        # Asked without an account: asked again the same way, through the out-of-hours form.
        return redirect(f"{reverse('referrals:out-of-hours')}?after={earlier.pk}")
    return _caseworker_request_page(request, follows=earlier)


def _caseworker_request_page(request: HttpRequest, *, follows: SupportRequest | None) -> HttpResponse:
    user: Any = request.user
    guides = services.guides_worked_on(user)
    initial = services.contact_from(follows) if follows is not None else {}
    what_happened = [crime_type_label(value) for value in crime_types_to_share(user)]
    form = forms.CaseworkerRequestForm(
        request.POST or None, guides=guides, what_happened=what_happened, initial=initial
    )
    if request.method == "POST":
        if not limits.hit(
            scope="caseworker-request",
            key=str(user.pk),
            limit=SIGNED_IN_FORM_LIMIT[0],
            window_seconds=SIGNED_IN_FORM_LIMIT[1],
        ):
            return render(request, "429.html", status=429)
        if form.is_valid():
            outcome, reasons = _session_urgency(request)
            support_request = services.request_caseworker(
                user=user,
                contact=form.safe_contact(),
                name=form.cleaned_data["name"],
                share_guides=form.cleaned_data.get("share_guides", False),
                share_what_happened=form.cleaned_data.get("share_what_happened", False),
                submission_token=form.cleaned_data["submission_token"],
                impact_outcome=outcome,
                urgency_reasons=reasons,
                area=form.cleaned_data["area"],
                follows=follows,
            )
            messages.success(request, "Your request has been sent.")
            return redirect(support_request)
    return render(
        request,
        "referrals/caseworker_request.html",
        {"form": form, "hours": service_hours().describe(), "follows": follows},
    )


@_signed_out_see_sign_in
def support_request_change(request: HttpRequest, pk: int) -> HttpResponse:
    """The person changes how and when to reach them, while the request is open."""
    support_request = _own_request(request, pk)
    if not support_request.is_open:
        return redirect(support_request)
    form = forms.SafeContactDetailsForm(request.POST or None, initial=services.contact_from(support_request))
    if request.method == "POST" and form.is_valid():
        user: Any = request.user
        changed = services.change_contact_details(
            support_request=support_request,
            user=user if support_request.user_id is not None else None,
            contact=form.safe_contact(),
        )
        messages.success(request, "Your changes have been saved." if changed else "Nothing was changed.")
        return redirect(support_request)
    return render(request, "referrals/request_change.html", {"form": form, "support_request": support_request})


@_signed_out_see_sign_in
def support_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = _own_request(request, pk)
    if not support_request.is_open:
        return redirect(support_request)
    if request.method == "POST":
        user: Any = request.user
        services.withdraw_request(
            support_request=support_request, user=user if support_request.user_id is not None else None
        )
        messages.success(request, "Your request has been withdrawn. Nobody will contact you about it.")
        return redirect(support_request)
    return render(request, "referrals/request_withdraw.html", {"support_request": support_request})


@public
def out_of_hours_request(request: HttpRequest) -> HttpResponse:
    follows = _earlier_request_asked_again(request)
    initial = services.contact_from(follows) if follows is not None else {}
    form = forms.OutOfHoursRequestForm(request.POST or None, initial=initial)
    if request.method == "POST":
        address = client_address(request)
        for limit, window in PUBLIC_FORM_LIMITS:
            if not limits.hit(scope=f"out-of-hours-{window}", key=address, limit=limit, window_seconds=window):
                return render(request, "429.html", status=429)
        if form.is_from_a_bot():
            # Looks like success to the bot; nothing is saved and nobody is disturbed.
            request.session[SENT_REQUEST_SESSION] = None
            return redirect("referrals:out-of-hours-sent")
        if form.is_valid():
            user: Any = request.user
            outcome, reasons = _session_urgency(request)
            support_request = services.request_out_of_hours_support(
                user=user if user.is_authenticated else None,
                name=form.cleaned_data["name"],
                contact=form.safe_contact(),
                submission_token=form.cleaned_data["submission_token"],
                impact_outcome=outcome,
                urgency_reasons=reasons,
                area=form.cleaned_data["area"],
                follows=follows,
            )
            request.session[SENT_REQUEST_SESSION] = support_request.pk
            key = getattr(support_request, "follow_up_key", None)
            if key is not None:
                request.session[SENT_KEY_SESSION] = key
                follow_up.let_session_see(request.session, support_request.pk)
            elif support_request.user_id is not None:
                request.session.pop(SENT_KEY_SESSION, None)
            # Otherwise the same form was posted twice: the key from the first post stands.
            return redirect("referrals:out-of-hours-sent")
    return render(
        request,
        "referrals/out_of_hours.html",
        {"form": form, "hours": service_hours().describe(), "follows": follows},
    )


def _earlier_request_asked_again(request: HttpRequest) -> SupportRequest | None:
    """``?after=<pk>``: asking again after a closed request this session may see (its key opened it)."""
    value = request.GET.get("after", "")
    if not value.isdigit() or len(value) > 12:
        return None
    pk = int(value)
    if not follow_up.session_may_see(request.session, pk):
        return None
    earlier = SupportRequest.objects.filter(pk=pk, user=None, status=RequestStatus.CLOSED).first()
    return earlier


@public
def out_of_hours_sent(request: HttpRequest) -> HttpResponse:
    if SENT_REQUEST_SESSION not in request.session:
        return redirect("referrals:out-of-hours")
    pk = request.session[SENT_REQUEST_SESSION]
    support_request = SupportRequest.objects.filter(pk=pk).only("pk", "created_at", "user_id").first()
    key = request.session.get(SENT_KEY_SESSION) if support_request and support_request.user_id is None else None
    return render(
        request,
        "referrals/out_of_hours_sent.html",
        {
            "follow_up_key": follow_up.written(key) if key else "",
            # Sent signed in: the request is in their account, with its status.
            "request_url": support_request.get_absolute_url()
            if support_request and support_request.user_id is not None and support_request.user_id == request.user.pk
            else "",
            "reference": support_request.reference if support_request else "",
            "window": service_hours().next_contact(support_request.created_at if support_request else None),
            "hours": service_hours().describe(),
        },
    )


def _session_urgency(request: HttpRequest) -> tuple[str, list[str]]:
    """The outcome of the check taken in this session, and the answers behind it."""
    outcome = request.session.get(OUTCOME_SESSION, "")
    if outcome not in Outcome.values:
        return "", []
    reasons = request.session.get(REASONS_SESSION) or []
    return outcome, [reason for reason in reasons if reason in UrgencyReason.values]


# --- SilverCloud ------------------------------------------------------------------------------


@public
def silvercloud(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/silvercloud.html")


def silvercloud_consent(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = forms.SilverCloudConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.register_with_silvercloud(
            user=user,
            name=form.cleaned_data["name"],
            topics=form.topic_codes(),
            submission_token=form.cleaned_data["submission_token"],
        )
        # The status on the next page says how far they have got: no promise here that it could contradict.
        messages.success(request, "Thank you. You can see below whether your details have reached SilverCloud.")
        return redirect("referrals:my-support")
    return render(request, "referrals/silvercloud_consent.html", {"form": form, "email": user.email})


@require_POST
def silvercloud_send_again(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = get_object_or_404(Handoff, pk=pk, user=request.user, destination=Destination.SILVERCLOUD)
    if services.send_handoff_again(handoff=handoff):
        messages.success(request, "We are trying again to send your details to SilverCloud.")
    return redirect("referrals:my-support")


# --- Partner organisations --------------------------------------------------------------------


DIRECTORY_PAGE_SIZE = 10


@public
def directory(request: HttpRequest) -> HttpResponse:
    form = forms.DirectoryFilterForm(request.GET or None)
    if not form.is_bound or form.is_valid():
        need = form.cleaned_data["need"] if form.is_bound else None
        area = form.cleaned_data["area"] if form.is_bound else ""
        page = request.GET.get("page", "1")
        # The same for everyone who asks for these filters: drawn once per process until editors change
        # the directory (guides/catalogue.py). Made-up page numbers are drawn but not kept.
        draw = partial(_directory_listing, form, need=need, area=area, page=page)
        body = catalogue.kept("directory", (need.pk if need else None, area, page), draw) if page.isdigit() else draw()
    else:
        form.error_summary_shown = True  # type: ignore[attr-defined]  # the page shows it first (base.html)
        body = _directory_listing(form, need=None, area="", page="1")
    return render(request, "referrals/directory.html", {"form": form, "listing": body})


def _directory_listing(form: forms.DirectoryFilterForm, *, need: Need | None, area: str, page: str) -> str:
    """The filter form and one page of organisations, as HTML that depends on nothing but these filters."""
    organisations = Organisation.objects.published().prefetch_related("needs")
    if need:
        organisations = organisations.for_need(need.slug)
    if area:
        organisations = organisations.serving(area)
    # In pages, so a phone never has to scroll through every organisation at once.
    listing = Paginator(organisations.distinct(), DIRECTORY_PAGE_SIZE).get_page(page)
    filters = QueryDict(mutable=True)
    if need:
        filters["need"] = need.slug
    if area:
        filters["area"] = area
    return render_to_string(
        "referrals/_directory_listing.html",
        {
            "form": form,
            "organisations": listing,
            "total": listing.paginator.count,
            "filters": filters.urlencode(),
            "need": need,
            "area_label": Area(area).label if area else "",
        },
    )


# --- The caseworker queue (staff) -------------------------------------------------------------


def caseworkers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff in the Caseworkers group. Anyone else gets "page not found": the queue's existence is no one's business."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_caseworker(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@caseworkers_only
def queue(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    filter_form = forms.QueueFilterForm(request.GET or None)
    cleaned = filter_form.cleaned_data if filter_form.is_valid() else {}
    show = cleaned.get("show") or "open"
    area = cleaned.get("area") or ""
    requests_ = SupportRequest.objects.for_queue()
    if show == "closed":
        requests_ = requests_.filter(status=RequestStatus.CLOSED).order_by("-closed_at", "-pk")
    elif show == "mine":
        requests_ = requests_.open().filter(claimed_by=user)
    else:
        requests_ = requests_.open()
    if area:
        requests_ = requests_.filter(area="" if area == "none" else area)
    page = Paginator(requests_, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/queue.html",
        {
            "page": page,
            "show": show,
            "area": area,
            "filter_form": filter_form if filter_form.is_bound else forms.QueueFilterForm(initial={"show": show}),
            "attention": Handoff.objects.needing_attention().select_related("support_request")[:50],
        },
    )


@caseworkers_only
def queue_request(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = get_object_or_404(SupportRequest, pk=pk)
    user: Any = request.user
    services.record_view(support_request=support_request, caseworker=user)
    return _queue_request_page(request, support_request)


def _queue_request_page(
    request: HttpRequest, support_request: SupportRequest, *, invalid_form: tuple[str, Any] | None = None
) -> HttpResponse:
    """The request page; after a failed post, with that form showing its errors."""
    user: Any = request.user
    notes = Prefetch("notes", queryset=CaseNote.objects.select_related("author"))
    support_request = (
        SupportRequest.objects.select_related("claimed_by", "referred_to", "follows", "follows__referred_to")
        .prefetch_related(
            notes,
            Prefetch("handoffs", queryset=Handoff.objects.order_by("-created_at")),
            Prefetch("follows__notes", queryset=CaseNote.objects.select_related("author")),
        )
        .get(pk=support_request.pk)
    )
    audit = list(AuditEntry.objects.filter(support_request=support_request).select_related("staff")[:200])
    views = [entry for entry in audit if entry.action == AuditAction.VIEWED]
    context = {
        "support_request": support_request,
        "can_claim": support_request.can_be_claimed_by(user),
        "contact_form": forms.ContactAttemptForm(),
        "note_form": forms.NoteForm(),
        "status_form": forms.StatusForm(initial={"status": support_request.status}),
        "close_form": forms.CloseForm(support_request=support_request),
        "attempts_at_safe_times": len(services.failed_attempts_at_safe_times(support_request)),
        "min_attempts": settings.REFERRALS_MIN_ATTEMPTS,
        "changes": [entry for entry in audit if entry.action != AuditAction.VIEWED],
        "views": views,
        "window": service_hours().next_contact(support_request.created_at),
    }
    if invalid_form is not None:
        context[invalid_form[0]] = invalid_form[1]
    return render(request, "referrals/queue_request.html", context, status=400 if invalid_form else 200)


@caseworkers_only
@require_POST
def queue_claim(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = get_object_or_404(SupportRequest, pk=pk)
    user: Any = request.user
    if services.claim_request(support_request=support_request, caseworker=user):
        messages.success(request, f"You have claimed {support_request.reference}.")
    else:
        messages.info(request, f"{support_request.reference} has already been claimed.")
    return redirect("referrals:caseworkers:request", pk=pk)


@caseworkers_only
@require_POST
def queue_contact(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = get_object_or_404(SupportRequest, pk=pk)
    form = forms.ContactAttemptForm(request.POST)
    if not form.is_valid():
        return _queue_request_page(request, support_request, invalid_form=("contact_form", form))
    user: Any = request.user
    services.record_contact_attempt(
        support_request=support_request,
        caseworker=user,
        contact_outcome=form.cleaned_data["contact_outcome"],
        text=form.cleaned_data["text"],
    )
    messages.success(request, "The contact attempt has been recorded.")
    return redirect("referrals:caseworkers:request", pk=pk)


@caseworkers_only
@require_POST
def queue_note(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = get_object_or_404(SupportRequest, pk=pk)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _queue_request_page(request, support_request, invalid_form=("note_form", form))
    user: Any = request.user
    services.add_note(support_request=support_request, caseworker=user, text=form.cleaned_data["text"])
    messages.success(request, "Your note has been added.")
    return redirect("referrals:caseworkers:request", pk=pk)


@caseworkers_only
@require_POST
def queue_status(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = get_object_or_404(SupportRequest, pk=pk)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        return _queue_request_page(request, support_request, invalid_form=("status_form", form))
    user: Any = request.user
    services.change_status(support_request=support_request, caseworker=user, status=form.cleaned_data["status"])
    messages.success(request, "The status has been changed.")
    return redirect("referrals:caseworkers:request", pk=pk)


@caseworkers_only
@require_POST
def queue_close(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = get_object_or_404(SupportRequest, pk=pk)
    form = forms.CloseForm(request.POST, support_request=support_request)
    if not support_request.is_open:
        messages.info(request, f"{support_request.reference} is already closed.")
        return redirect("referrals:caseworkers:request", pk=pk)
    if not form.is_valid():
        return _queue_request_page(request, support_request, invalid_form=("close_form", form))
    user: Any = request.user
    services.close_request(
        support_request=support_request,
        caseworker=user,
        outcome=form.cleaned_data["outcome"],
        referred_to=form.cleaned_data["referred_to"],
        referral_consent=form.cleaned_data["referral_consent"],
        text=form.cleaned_data["text"],
    )
    messages.success(request, f"{support_request.reference} is closed.")
    return redirect("referrals:caseworkers:queue")


@caseworkers_only
def queue_handoff(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = get_object_or_404(Handoff.objects.select_related("support_request", "resolved_by"), pk=pk)
    user: Any = request.user
    services.record_handoff_view(handoff=handoff, caseworker=user)
    return render(
        request,
        "referrals/queue_handoff.html",
        {
            "handoff": handoff,
            "can_send_again": handoff.status == HandoffStatus.FAILED
            and bool(services.endpoint_for(handoff.destination)),
            "can_resolve": handoff.resolved_at is None and handoff.status in {HandoffStatus.FAILED, HandoffStatus.KEPT},
        },
    )


@caseworkers_only
@require_POST
def queue_handoff_send_again(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = get_object_or_404(Handoff, pk=pk)
    user: Any = request.user
    if services.send_handoff_again(handoff=handoff, by=user):
        messages.success(request, f"{handoff.reference} will be sent again.")
    return redirect("referrals:caseworkers:handoff", pk=pk)


@caseworkers_only
@require_POST
def queue_handoff_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = get_object_or_404(Handoff, pk=pk)
    user: Any = request.user
    services.resolve_handoff(handoff=handoff, caseworker=user)
    messages.success(request, f"{handoff.reference} is marked as dealt with.")
    return redirect("referrals:caseworkers:queue")
