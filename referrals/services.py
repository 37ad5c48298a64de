"""Writes for referrals: impact checks, requests for a person, hand-offs and their delivery,
and the caseworker queue. Views, the admin, tasks and commands all come through here."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from referrals import delivery, emails, follow_up, payloads
from referrals.models import (
    IN_FLIGHT,
    NORMAL_PRIORITY,
    PRIORITY_FOR_OUTCOME,
    AuditAction,
    AuditEntry,
    CaseNote,
    CheckAbout,
    ClosingOutcome,
    ContactMethod,
    ContactOutcome,
    Destination,
    Handoff,
    HandoffStatus,
    ImpactCheck,
    NoteKind,
    Organisation,
    Outcome,
    RequestKind,
    RequestStatus,
    SupportRequest,
    UrgencyReason,
)
from referrals.safe_contact import SafeContact, is_safe_combination

__all__ = ["SafeContact"]

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# An impact check steers the priority of requests made within this long after it.
OUTCOME_STAYS_FRESH = timedelta(days=14)
# A hand-off still waiting this long after it was due is re-queued by the sweep.
SWEEP_GRACE = timedelta(minutes=2)
MAX_RETRY_DELAY = timedelta(hours=1)


# --- Impact check -----------------------------------------------------------------------------


def record_impact_check(*, user: User | None, answers: dict[str, str]) -> tuple[Outcome, ImpactCheck | None]:
    """Work out where to steer the person; keep the answers only for someone signed in."""
    outcome = ImpactCheck.outcome_for(answers)
    if user is None or not user.is_authenticated:
        return outcome, None
    fields = {name: answers[name] for name in ImpactCheck.ANSWER_FIELDS}
    check = ImpactCheck.objects.create(user=user, outcome=outcome, **fields)
    return outcome, check


def record_supporter_check(
    *, user: User | None, answers: dict[str, str]
) -> tuple[Outcome, Outcome, ImpactCheck | None]:
    """A supporter's check: where to steer them about the person they support, and about themselves.

    Returns the outcome for the person supported, the supporter's own, and the saved check (only for
    someone signed in). The supporter's own outcome is the one that steers their requests' urgency.
    """
    their_outcome = ImpactCheck.their_outcome_for(answers)
    own_outcome = ImpactCheck.supporter_outcome_for(answers)
    if user is None or not user.is_authenticated:
        return their_outcome, own_outcome, None
    fields = {name: answers[name] for name in ImpactCheck.SUPPORTER_FIELDS}
    check = ImpactCheck.objects.create(
        user=user, about=CheckAbout.SOMEONE_SUPPORTED, outcome=own_outcome, their_outcome=their_outcome, **fields
    )
    return their_outcome, own_outcome, check


def recent_check(user: User) -> ImpactCheck | None:
    """The person's latest impact check, if recent enough to steer the urgency of a request."""
    return ImpactCheck.objects.filter(user=user, created_at__gte=timezone.now() - OUTCOME_STAYS_FRESH).first()


def recent_outcome(user: User) -> str:
    check = recent_check(user)
    return check.outcome if check else ""


# --- Requests for a person --------------------------------------------------------------------


def guides_worked_on(user: User) -> list[dict[str, Any]]:
    """The guides a person has started or finished: titles only, never what they wrote in them."""
    from guides.models import GuideProgress

    progress = GuideProgress.objects.filter(user=user).select_related("guide").order_by("-updated")[:20]
    return [{"title": item.guide.title, "finished": item.completed_at is not None} for item in progress]


@transaction.atomic
def request_caseworker(
    *,
    user: User,
    contact: SafeContact,
    name: str,
    share_guides: bool,
    submission_token: uuid.UUID,
    share_what_happened: bool = False,
    impact_outcome: str = "",
    urgency_reasons: list[str] | None = None,
    area: str = "",
    follows: SupportRequest | None = None,
) -> SupportRequest:
    """Ask for a caseworker to get in touch. Posting the same form twice returns the first request.

    ``follows``: the person's own earlier request, when they ask again after it closed.
    ``share_what_happened``: the person ticked to share what happened to them (their crime types);
    without it, nothing of it leaves their account.
    """
    from situation.services import crime_types_to_share

    if follows is not None and follows.user_id != user.pk:
        raise ValueError("A request can only follow the same person's earlier request.")
    outcome, reasons = _urgency(user, impact_outcome, urgency_reasons)
    return _create_request(
        kind=RequestKind.CASEWORKER,
        user=user,
        name=name,
        contact=contact,
        guides=guides_worked_on(user) if share_guides else [],
        crime_types=crime_types_to_share(user) if share_what_happened else [],
        submission_token=submission_token,
        impact_outcome=outcome,
        urgency_reasons=reasons,
        area=area,
        follows=follows,
    )


def _urgency(user: User | None, impact_outcome: str, urgency_reasons: list[str] | None) -> tuple[str, list[str]]:
    """The outcome and answers behind it: from the check just taken in this session, else a recent saved one."""
    if impact_outcome:
        return impact_outcome, list(urgency_reasons or [])
    check = recent_check(user) if user is not None else None
    if check is None:
        return "", []
    return check.outcome, check.urgency_reasons()


@transaction.atomic
def request_out_of_hours_support(
    *,
    user: User | None,
    name: str,
    contact: SafeContact,
    submission_token: uuid.UUID,
    impact_outcome: str = "",
    urgency_reasons: list[str] | None = None,
    area: str = "",
    follows: SupportRequest | None = None,
) -> SupportRequest:
    """Ask, without an account, to be contacted when the team is next working.

    Made without an account, a new request gets a private key for the person to come back with
    (``follow_up``): it is set on the returned row as ``follow_up_key``, this once, and only its digest
    is kept. ``follows``: an earlier request the caller has checked this person may see.
    """
    signed_in = user if user is not None and user.is_authenticated else None
    if follows is not None and follows.user_id not in (None, getattr(signed_in, "pk", None)):
        raise ValueError("A request can only follow the same person's earlier request.")
    outcome, reasons = _urgency(signed_in, impact_outcome, urgency_reasons)
    support_request = _create_request(
        kind=RequestKind.OUT_OF_HOURS,
        user=signed_in,
        name=name,
        contact=contact,
        guides=[],
        submission_token=submission_token,
        impact_outcome=outcome,
        urgency_reasons=reasons,
        area=area,
        follows=follows,
    )
    _give_private_key(support_request)
    return support_request


def request_opened_by_key(key: str) -> SupportRequest | None:
    """The request made without an account that this private key belongs to, if any."""
    if not follow_up.looks_like_a_key(key):
        return None
    return SupportRequest.objects.filter(follow_up_digest=follow_up.digest(key), user=None).first()


@transaction.atomic
def request_caseworker_from_chat(
    *, name: str, contact: SafeContact, submission_token: uuid.UUID, at_risk: bool, area: str = ""
) -> SupportRequest:
    """A chat supporter's referral: the visitor gave their safe contact details in the chat.

    Chat visitors have no account here, so a new request gets a private key, as out of hours does.
    """
    support_request = _create_request(
        kind=RequestKind.CHAT,
        user=None,
        name=name,
        contact=contact,
        guides=[],
        submission_token=submission_token,
        impact_outcome=Outcome.SEVERE if at_risk else "",
        urgency_reasons=[UrgencyReason.NOT_SAFE_NOW] if at_risk else [],
        area=area,
        follows=None,
    )
    _give_private_key(support_request)
    return support_request


def _give_private_key(support_request: SupportRequest) -> None:
    """A new request made without an account gets a private key for the person to come back with
    (``follow_up``): set on the row as ``follow_up_key``, this once; only its digest is kept."""
    if support_request.user_id is None and not support_request.follow_up_digest:
        key = follow_up.new_key()
        support_request.follow_up_digest = follow_up.digest(key)
        support_request.save(update_fields=["follow_up_digest"])
        support_request.follow_up_key = key  # type: ignore[attr-defined]


def _create_request(
    *,
    kind: str,
    user: User | None,
    name: str,
    contact: SafeContact,
    guides: list[dict[str, Any]],
    submission_token: uuid.UUID,
    impact_outcome: str,
    crime_types: list[str] | None = None,
    urgency_reasons: list[str],
    area: str,
    follows: SupportRequest | None,
) -> SupportRequest:
    existing = SupportRequest.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing
    _check_safe(contact)
    try:
        with transaction.atomic():
            support_request = SupportRequest.objects.create(
                kind=kind,
                user=user,
                name=name,
                contact_method=contact.method,
                phone=contact.phone,
                email=contact.email,
                safe_times=contact.safe_times,
                safe_times_note=contact.safe_times_note,
                voicemail_safe=contact.voicemail_safe,
                text_safe=contact.text_safe,
                email_safe=contact.email_safe,
                code_word=contact.code_word,
                help_topics=contact.help_topics,
                message=contact.message,
                guides_shared=guides,
                crime_types_shared=list(crime_types or []),
                impact_outcome=impact_outcome,
                urgency_reasons=urgency_reasons if impact_outcome in PRIORITY_FOR_OUTCOME else [],
                priority=PRIORITY_FOR_OUTCOME.get(Outcome(impact_outcome), NORMAL_PRIORITY)
                if impact_outcome
                else NORMAL_PRIORITY,
                role=getattr(user, "role", "") or "",
                area=area,
                follows=follows,
                submission_token=submission_token,
            )
    except IntegrityError:
        # The same form posted twice at the same moment: the other post made the request.
        return SupportRequest.objects.get(submission_token=submission_token)
    _add_handoff(
        destination=Destination.CASEWORKER,
        user=user,
        support_request=support_request,
        payload=payloads.caseworker_request(support_request),
    )
    request_id = support_request.pk
    transaction.on_commit(lambda: _tell_team_about_new_request(request_id))
    return support_request


def _check_safe(contact: SafeContact) -> None:
    """The forms refuse these with a clear message; this stops any other caller (and the database would too)."""
    if not is_safe_combination(
        method=contact.method,
        voicemail_safe=contact.voicemail_safe,
        text_safe=contact.text_safe,
        email_safe=contact.email_safe,
    ):
        raise ValidationError("That way of contact is not one the person said is safe.")


def _tell_team_about_new_request(request_id: int) -> None:
    from referrals import tasks

    tasks.tell_team_about_new_request.enqueue(request_id)


# --- SilverCloud ------------------------------------------------------------------------------


@transaction.atomic
def register_with_silvercloud(*, user: User, name: str, topics: list[str], submission_token: uuid.UUID) -> Handoff:
    """Send exactly what the consent screen listed: name or nickname, email address, chosen topics (codes)."""
    existing = Handoff.objects.filter(idempotency_key=submission_token, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _add_handoff(
                destination=Destination.SILVERCLOUD,
                user=user,
                support_request=None,
                payload=payloads.silvercloud_registration(name=name, email=user.email, topics=topics),
                idempotency_key=submission_token,
            )
    except IntegrityError:
        return Handoff.objects.get(idempotency_key=submission_token)


# --- The outbox -------------------------------------------------------------------------------


def endpoint_for(destination: str) -> str:
    if destination == Destination.SILVERCLOUD:
        return settings.REFERRALS_SILVERCLOUD_ENDPOINT
    return settings.REFERRALS_CASEWORKER_ENDPOINT


def _add_handoff(
    *,
    destination: str,
    user: User | None,
    support_request: SupportRequest | None,
    payload: dict[str, Any],
    idempotency_key: uuid.UUID | None = None,
) -> Handoff:
    """Write the hand-off beside what it reports (same transaction); delivery starts after commit.

    The payload gets the hand-off's own reference and time, so the receiver can quote them.
    """
    external = bool(endpoint_for(destination))
    handoff = Handoff.objects.create(
        destination=destination,
        user=user,
        support_request=support_request,
        payload=payload,
        idempotency_key=idempotency_key or uuid.uuid4(),
        status=HandoffStatus.PENDING if external else HandoffStatus.KEPT,
        next_attempt_at=timezone.now() if external else None,
    )
    handoff.payload = {
        **payload,
        "handoff": {"reference": handoff.reference, "made_at": handoff.created_at.isoformat()},
    }
    handoff.save(update_fields=["payload"])
    if external:
        transaction.on_commit(lambda: _queue_delivery(handoff.pk))
    return handoff


def _queue_delivery(handoff_id: int, *, run_after: Any = None) -> None:
    from referrals import tasks

    task = tasks.deliver_handoff
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue(handoff_id)


def retry_delay(attempts_made: int) -> timedelta:
    """30s, 1 min, 2 min, 4 min... (from REFERRALS_RETRY_DELAY_SECONDS), never more than an hour."""
    delay = timedelta(seconds=settings.REFERRALS_RETRY_DELAY_SECONDS * 2 ** max(attempts_made - 1, 0))
    return min(delay, MAX_RETRY_DELAY)


def attempt_delivery(*, handoff_id: int) -> str:
    """Make one delivery attempt, if the hand-off is due. Safe to call twice: only one caller wins it."""
    now = timezone.now()
    lease = timedelta(seconds=settings.REFERRALS_DELIVERY_TIMEOUT_SECONDS + 60)
    due = Q(status__in=IN_FLIGHT) & (Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
    won = Handoff.objects.filter(due, pk=handoff_id).update(
        status=HandoffStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=now + lease
    )
    if not won:
        return "not due"
    handoff = Handoff.objects.get(pk=handoff_id)
    url = endpoint_for(handoff.destination)
    if not url:
        handoff.status = HandoffStatus.KEPT
        handoff.next_attempt_at = None
        handoff.save(update_fields=["status", "next_attempt_at"])
        return "kept"
    result = delivery.post_signed_json(
        url=url,
        payload=handoff.payload,
        idempotency_key=str(handoff.idempotency_key),
        secret=settings.REFERRALS_SIGNING_SECRET,
        timeout=settings.REFERRALS_DELIVERY_TIMEOUT_SECONDS,
    )
    return _record_attempt(handoff, result)


def _record_attempt(handoff: Handoff, result: delivery.AttemptResult) -> str:
    finished = timezone.now()
    handoff.last_error = result.error
    if result.delivered:
        handoff.status = HandoffStatus.SENT
        handoff.sent_at = finished
        handoff.next_attempt_at = None
        handoff.save(update_fields=["status", "sent_at", "next_attempt_at", "last_error"])
        return "sent"
    if result.retryable and handoff.attempts < settings.REFERRALS_DELIVERY_MAX_ATTEMPTS:
        handoff.status = HandoffStatus.RETRYING
        handoff.next_attempt_at = finished + retry_delay(handoff.attempts)
        with transaction.atomic():
            handoff.save(update_fields=["status", "next_attempt_at", "last_error"])
            next_at = handoff.next_attempt_at
            transaction.on_commit(lambda: _queue_delivery(handoff.pk, run_after=next_at))
        return "retrying"
    handoff.status = HandoffStatus.FAILED
    handoff.failed_at = finished
    handoff.next_attempt_at = None
    handoff.save(update_fields=["status", "failed_at", "next_attempt_at", "last_error"])
    logger.warning("Hand-off %s could not be delivered: %s", handoff.reference, result.error)
    emails.send_handoff_failed_notice(handoff, refused=not result.retryable)
    return "failed"


def requeue_overdue_handoffs() -> int:
    """Queue again every hand-off that should have gone by now (the worker was down, or died mid-send)."""
    cutoff = timezone.now() - SWEEP_GRACE
    overdue = Handoff.objects.filter(status__in=IN_FLIGHT).filter(
        Q(next_attempt_at__lte=cutoff) | Q(next_attempt_at__isnull=True)
    )
    count = 0
    for handoff_id, status in overdue.values_list("pk", "status"):
        if status == HandoffStatus.SENDING:
            # The attempt was lost with its worker: due again at once, and the person sees "trying again".
            Handoff.objects.filter(pk=handoff_id, status=HandoffStatus.SENDING).update(
                status=HandoffStatus.RETRYING, next_attempt_at=None
            )
        _queue_delivery(handoff_id)
        count += 1
    return count


@transaction.atomic
def send_handoff_again(*, handoff: Handoff, by: User | None = None) -> bool:
    """Start delivery afresh (same idempotency key), after it failed. Staff and the person may ask."""
    locked = Handoff.objects.select_for_update().get(pk=handoff.pk)
    if locked.status != HandoffStatus.FAILED or not endpoint_for(locked.destination):
        return False
    locked.status = HandoffStatus.PENDING
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.failed_at = None
    locked.save(update_fields=["status", "attempts", "next_attempt_at", "failed_at"])
    if by is not None and by.is_staff:
        _audit(staff=by, handoff=locked, action=AuditAction.HANDOFF_RETRIED)
    transaction.on_commit(lambda: _queue_delivery(locked.pk))
    return True


@transaction.atomic
def resolve_handoff(*, handoff: Handoff, caseworker: User) -> None:
    """A caseworker finished a kept or failed hand-off by hand (for example, by phone)."""
    handoff.resolved_at = timezone.now()
    handoff.resolved_by = caseworker
    handoff.save(update_fields=["resolved_at", "resolved_by"])
    _audit(staff=caseworker, handoff=handoff, action=AuditAction.HANDOFF_RESOLVED)


# --- The caseworker queue ---------------------------------------------------------------------


def _audit(
    *,
    staff: User,
    action: str,
    support_request: SupportRequest | None = None,
    handoff: Handoff | None = None,
    detail: str = "",
) -> None:
    target = support_request or handoff
    assert target is not None
    AuditEntry.objects.create(
        staff=staff,
        staff_email=staff.email,
        support_request=support_request,
        handoff=handoff,
        reference=target.reference,
        action=action,
        detail=detail,
    )


def record_view(*, support_request: SupportRequest, caseworker: User) -> None:
    _audit(staff=caseworker, support_request=support_request, action=AuditAction.VIEWED)


def record_handoff_view(*, handoff: Handoff, caseworker: User) -> None:
    _audit(staff=caseworker, handoff=handoff, action=AuditAction.VIEWED)


@transaction.atomic
def claim_request(*, support_request: SupportRequest, caseworker: User) -> bool:
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if not locked.can_be_claimed_by(caseworker):
        return False
    locked.status = RequestStatus.CLAIMED
    locked.claimed_by = caseworker
    locked.claimed_at = timezone.now()
    locked.save(update_fields=["status", "claimed_by", "claimed_at", "updated_at"])
    _audit(staff=caseworker, support_request=locked, action=AuditAction.CLAIMED)
    return True


@transaction.atomic
def record_contact_attempt(
    *, support_request: SupportRequest, caseworker: User, contact_outcome: str, text: str
) -> CaseNote:
    """Note a call, text or email; reaching the person marks the request as contacted."""
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    note = CaseNote.objects.create(
        request=locked, author=caseworker, kind=NoteKind.CONTACT_ATTEMPT, contact_outcome=contact_outcome, text=text
    )
    if contact_outcome == ContactOutcome.SPOKE and locked.status in {RequestStatus.NEW, RequestStatus.CLAIMED}:
        _set_status(locked, RequestStatus.CONTACTED, caseworker)
    _audit(
        staff=caseworker,
        support_request=locked,
        action=AuditAction.CONTACT_RECORDED,
        detail=ContactOutcome(contact_outcome).label,
    )
    return note


@transaction.atomic
def add_note(*, support_request: SupportRequest, caseworker: User, text: str) -> CaseNote:
    note = CaseNote.objects.create(request=support_request, author=caseworker, kind=NoteKind.NOTE, text=text)
    _audit(staff=caseworker, support_request=support_request, action=AuditAction.NOTE_ADDED)
    return note


@transaction.atomic
def change_status(*, support_request: SupportRequest, caseworker: User, status: str) -> None:
    """Move an open request between new, claimed and contacted. Closing needs an outcome: ``close_request``."""
    if status == RequestStatus.CLOSED:
        raise ValueError("Close a request with close_request(), which records its outcome.")
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    old = locked.get_status_display()
    if locked.status == status or locked.status == RequestStatus.CLOSED:
        return
    _set_status(locked, status, caseworker)
    _audit(
        staff=caseworker,
        support_request=locked,
        action=AuditAction.STATUS_CHANGED,
        detail=f"{old} to {locked.get_status_display()}",
    )


def _set_status(support_request: SupportRequest, status: str, caseworker: User | None) -> None:
    now = timezone.now()
    support_request.status = status
    if status == RequestStatus.NEW:
        support_request.claimed_by = None
        support_request.claimed_at = None
    elif support_request.claimed_by_id is None and caseworker is not None:
        support_request.claimed_by = caseworker
        support_request.claimed_at = now
    support_request.closed_at = now if status == RequestStatus.CLOSED else None
    support_request.save(update_fields=["status", "claimed_by", "claimed_at", "closed_at", "updated_at"])


def failed_attempts_at_safe_times(support_request: SupportRequest) -> list[CaseNote]:
    """Contact attempts that did not reach the person, made at a time they said was safe (oldest first)."""
    notes = CaseNote.objects.filter(request=support_request, kind=NoteKind.CONTACT_ATTEMPT).exclude(
        contact_outcome=ContactOutcome.SPOKE
    )
    return [note for note in notes.order_by("created_at", "pk") if support_request.is_safe_time(note.created_at)]


def can_close_as_not_reached(support_request: SupportRequest) -> bool:
    return len(failed_attempts_at_safe_times(support_request)) >= settings.REFERRALS_MIN_ATTEMPTS


@transaction.atomic
def close_request(
    *,
    support_request: SupportRequest,
    caseworker: User,
    outcome: str,
    referred_to: Organisation | None = None,
    referral_consent: bool = False,
    text: str = "",
) -> None:
    """Close with an outcome. "Referred" names the organisation and needs the person's consent;
    "could not reach" needs REFERRALS_MIN_ATTEMPTS failed attempts at the person's safe times."""
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if locked.status == RequestStatus.CLOSED:
        raise ValidationError("This request is already closed.")
    if outcome not in ClosingOutcome.values:
        raise ValidationError("Choose an outcome from the list.")
    if outcome == ClosingOutcome.REFERRED and (referred_to is None or not referral_consent):
        raise ValidationError("A referral needs the organisation and the person's consent.")
    if outcome == ClosingOutcome.NOT_REACHED and not can_close_as_not_reached(locked):
        raise ValidationError(
            f"Try at least {settings.REFERRALS_MIN_ATTEMPTS} times, at times they said are safe, "
            "before closing as could not reach."
        )
    locked.closing_outcome = outcome
    locked.referred_to = referred_to if outcome == ClosingOutcome.REFERRED else None
    locked.referral_consent = outcome == ClosingOutcome.REFERRED and referral_consent
    locked.save(update_fields=["closing_outcome", "referred_to", "referral_consent", "updated_at"])
    _set_status(locked, RequestStatus.CLOSED, caseworker)
    label = ClosingOutcome(outcome).label
    if locked.referred_to is not None:
        label = f"{label}: {locked.referred_to.name}"
    CaseNote.objects.create(request=locked, author=caseworker, kind=NoteKind.CLOSED, text=text, contact_outcome="")
    _audit(staff=caseworker, support_request=locked, action=AuditAction.CLOSED, detail=label[:200])
    _send_update(locked, event="closed")
    _tell_person_about_update(locked)


def _tell_person_about_update(support_request: SupportRequest) -> None:
    """A neutral email to the account's address, only if they told us email is safe."""
    user = support_request.user
    if user is None or support_request.email_safe is not True or not user.email:
        return
    address = user.email
    transaction.on_commit(lambda: emails.send_update_notice(address))


def _send_update(support_request: SupportRequest, *, event: str, changes: list[str] | None = None) -> None:
    """Tell the case-management system what changed, through the outbox like the request itself."""
    if not endpoint_for(Destination.CASEWORKER):
        return
    _add_handoff(
        destination=Destination.CASEWORKER,
        user=support_request.user,
        support_request=support_request,
        payload=payloads.caseworker_update(support_request, event=event, changes=changes or []),
    )


# --- The person's own changes -------------------------------------------------------------------


CONTACT_FIELDS = [
    "contact_method",
    "phone",
    "email",
    "safe_times",
    "safe_times_note",
    "voicemail_safe",
    "text_safe",
    "email_safe",
    "code_word",
]
_FIELD_NAMES = {
    "contact_method": "how to contact them",
    "phone": "phone number",
    "email": "email address",
    "safe_times": "safe times",
    "safe_times_note": "note about safe times",
    "voicemail_safe": "whether a voicemail is safe",
    "text_safe": "whether a text is safe",
    "email_safe": "whether an email is safe",
    "code_word": "code word",
}


@transaction.atomic
def change_contact_details(*, support_request: SupportRequest, user: User | None, contact: SafeContact) -> list[str]:
    """The person changes how and when to reach them on an open request; the timeline says what changed.

    ``user`` is None for a request made without an account, opened with its private key."""
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk, user=user)
    if locked.status == RequestStatus.CLOSED:
        raise ValidationError("This request is closed. Ask again instead.")
    _check_safe(contact)
    wanted = {
        "contact_method": contact.method,
        "phone": contact.phone,
        "email": contact.email,
        "safe_times": contact.safe_times,
        "safe_times_note": contact.safe_times_note,
        "voicemail_safe": contact.voicemail_safe,
        "text_safe": contact.text_safe,
        "email_safe": contact.email_safe,
        "code_word": contact.code_word,
    }
    changed = [name for name, value in wanted.items() if getattr(locked, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(locked, name, wanted[name])
    locked.save(update_fields=[*changed, "updated_at"])
    described = [_FIELD_NAMES[name] for name in changed]
    CaseNote.objects.create(
        request=locked,
        author=user,
        kind=NoteKind.PERSON_CHANGED,
        text="They changed " + _join(described) + ". The summary above shows the new details.",
    )
    _send_update(locked, event="changed", changes=changed)
    return changed


@transaction.atomic
def withdraw_request(*, support_request: SupportRequest, user: User | None) -> bool:
    """The person no longer wants contact: closed at once, as withdrawn, and the caseworker sees why."""
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk, user=user)
    if locked.status == RequestStatus.CLOSED:
        return False
    locked.closing_outcome = ClosingOutcome.WITHDREW
    locked.save(update_fields=["closing_outcome", "updated_at"])
    _set_status(locked, RequestStatus.CLOSED, None)
    CaseNote.objects.create(request=locked, author=user, kind=NoteKind.PERSON_WITHDREW, text="")
    _send_update(locked, event="withdrawn")
    return True


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def contact_from(support_request: SupportRequest) -> dict[str, Any]:
    """A request's contact details as initial form data, for changing them or asking again."""
    return {
        "name": support_request.name,
        "contact_method": support_request.contact_method,
        "phone": support_request.contact_detail_display
        if support_request.contact_method != ContactMethod.EMAIL
        else "",
        "email": support_request.email,
        "safe_times": support_request.safe_times,
        "safe_times_note": support_request.safe_times_note,
        "voicemail_safe": _yes_no(support_request.voicemail_safe),
        "text_safe": _yes_no(support_request.text_safe),
        "email_safe": _yes_no(support_request.email_safe),
        "code_word": support_request.code_word,
        "area": support_request.area,
        "help_topics": support_request.help_topics,
    }


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


# --- Download my data and delete my account ---------------------------------------------------


def export_for(user: User) -> dict[str, Any]:
    """What the person told us and what became of it. Caseworkers' own notes are staff records."""
    return {
        "impact_checks": [
            {
                "date": check.created_at.isoformat(),
                "about": check.about,
                **{
                    name: getattr(check, name)
                    for name in (
                        ImpactCheck.SUPPORTER_FIELDS if check.is_supporter_check else ImpactCheck.ANSWER_FIELDS
                    )
                },
                "outcome": check.outcome,
                **({"outcome_for_the_person_supported": check.their_outcome} if check.is_supporter_check else {}),
            }
            for check in ImpactCheck.objects.filter(user=user)
        ],
        "requests": [
            {
                "reference": item.reference,
                "kind": item.kind,
                "date": item.created_at.isoformat(),
                "status": item.status,
                "name": item.name,
                "contact_method": item.contact_method,
                "phone": item.phone,
                "email": item.email,
                "safe_times": item.safe_times,
                "safe_times_note": item.safe_times_note,
                "voicemail_safe": item.voicemail_safe,
                "text_safe": item.text_safe,
                "email_safe": item.email_safe,
                "area": item.area,
                "closing_outcome": item.closing_outcome,
                "code_word": item.code_word,
                "help_topics": item.help_topics,
                "message": item.message,
                "guides_shared": item.guides_shared,
                "what_happened_shared": item.crime_types_shared,
            }
            for item in SupportRequest.objects.filter(user=user)
        ],
        "handoffs": [
            {
                "to": handoff.get_destination_display(),
                "date": handoff.created_at.isoformat(),
                "status": handoff.person_status(),
                "details_shared": handoff.payload,
            }
            for handoff in Handoff.objects.filter(user=user)
        ],
    }


def erase_for(user: User) -> None:
    """Everything referrals holds about the person, including requests made while signed in.

    The audit trail stays: it names no one but the staff member, and its links are cleared.
    """
    Handoff.objects.filter(Q(user=user) | Q(support_request__user=user)).delete()
    SupportRequest.objects.filter(user=user).delete()
    ImpactCheck.objects.filter(user=user).delete()


def queue_counts() -> dict[str, int]:
    return {
        "new": SupportRequest.objects.filter(status=RequestStatus.NEW).count(),
        "attention": Handoff.objects.needing_attention().count(),
    }
