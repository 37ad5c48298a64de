"""Writes for the live chat. The visitor's pages, the supporter console, both websocket consumers
and the management commands all come through here: each function validates, writes in one
transaction, and only after commit tells the channel layer (so nobody hears of a rolled-back write).

Groups on the channel layer:
- ``chat.conversation.<id>``: both sides of one chat (messages, typing, the chat ending);
- ``chat.queue``: everyone waiting (the queue moved: work out your place again);
- ``chat.staff``: every supporter console (the queue or the board changed; a new chat arrived);
- ``chat.supporter.<user id>``: one supporter (a chat was given to you, or moved away).
"""

from __future__ import annotations

import functools
import logging
import math
import secrets
import statistics
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.db import DatabaseSyncToAsync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from chat.hours import chat_hours
from chat.models import (
    ABANDONED,
    MAX_MESSAGE_LENGTH,
    AuditAction,
    AuditEntry,
    Block,
    Conversation,
    EndReason,
    Feedback,
    Message,
    MessageKind,
    Referral,
    Sender,
    State,
    SupporterStatus,
    WrapUp,
    WrapUpOutcome,
    is_chat_supporter,
)
from referrals import limits

if TYPE_CHECKING:
    from accounts.models import User
    from referrals.models import Organisation
    from referrals.services import SafeContact

logger = logging.getLogger(__name__)

# Where a visitor's browser keeps the token of their chat: in the server-side session, nothing in the browser.
VISITOR_SESSION_KEY = "chat_visitor"
STAFF_GROUP = "chat.staff"
QUEUE_GROUP = "chat.queue"
BLOCK_FOR = timedelta(hours=24)
# Messages from one visitor, however they send them (socket or plain form): 30 a minute.
VISITOR_MESSAGE_LIMIT = (30, 60)
# Without recent chats to go by, a chat is taken to last this long.
DEFAULT_CHAT_MINUTES = 15
RECENT_CHATS_FOR_ESTIMATE = 50


class ChatError(Exception):
    """Something the person asked for cannot be done; the message is written for them."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def supporter_group(user_id: int) -> str:
    return f"chat.supporter.{user_id}"


# Broadcasts of a call made through `call` (the consumers): kept here after commit and sent by
# `call` itself from the event loop, so the thread that does the database work is free at once.
_outbox: ContextVar[list[tuple[str, dict[str, Any]]] | None] = ContextVar("chat_outbox", default=None)


def _send_after_commit(group: str, message: dict[str, Any]) -> None:
    """Tell the channel layer once the transaction has committed; never for a rolled-back write.

    The write is what counts: with the channel layer (Redis) away the live update is dropped, and
    each side catches up from the stored messages when it reconnects or reloads.
    """
    outbox = _outbox.get()

    def send() -> None:
        if outbox is not None:
            outbox.append((group, message))
            return
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:  # whatever the layer raises when Redis cannot be reached
            logger.warning("Live chat update to %s dropped: the channel layer is unavailable.", group)

    transaction.on_commit(send)


@functools.cache
def _database_threads() -> ThreadPoolExecutor | None:
    """PostgreSQL: the consumers' database work runs on as many threads as each process has pooled
    connections, so one chat's statements do not wait behind another's. SQLite (the embedded
    default, one process) keeps Channels' single thread: its writers would only lock each other out."""
    if connection.vendor == "sqlite":
        return None
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool") or {}
    workers = pool.get("max_size", 4) if isinstance(pool, dict) else 4
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chat-db")


async def call(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Run a domain function (or any database work) from a consumer, then send what it broadcast
    after commit, in order, from the event loop."""
    executor = _database_threads()
    outbox: list[tuple[str, dict[str, Any]]] = []
    token = _outbox.set(outbox)
    try:
        if executor is None:
            return await DatabaseSyncToAsync(function, thread_sensitive=True)(*args, **kwargs)
        return await DatabaseSyncToAsync(function, thread_sensitive=False, executor=executor)(*args, **kwargs)
    finally:
        _outbox.reset(token)
        layer = get_channel_layer()
        for group, message in outbox if layer is not None else ():
            try:
                await layer.group_send(group, message)
            except Exception:  # whatever the layer raises when Redis cannot be reached
                logger.warning("Live chat update to %s dropped: the channel layer is unavailable.", group)


def _tell_conversation(conversation: Conversation, event: dict[str, Any]) -> None:
    _send_after_commit(conversation.group_name, {"type": "chat.event", "conversation": conversation.pk, "event": event})


def _tell_staff() -> None:
    _send_after_commit(STAFF_GROUP, {"type": "chat.staff"})


def _tell_queue() -> None:
    _send_after_commit(QUEUE_GROUP, {"type": "chat.queue"})


def address_hash(address: str) -> str:
    """A salted hash of a visitor's address: enough to recognise it for a block, not to recover it."""
    return salted_hmac("chat.visitor-address", address).hexdigest()


# --- Opening hours and who is free ------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    is_open: bool
    closure: str
    supporters_available: int
    hours: str

    @property
    def can_start(self) -> bool:
        return self.is_open and self.supporters_available > 0


def availability(*, now: datetime | None = None) -> Availability:
    hours = chat_hours()
    moment = now or timezone.now()
    return Availability(
        is_open=hours.is_open_at(moment),
        closure=hours.closure_on(timezone.localtime(moment).date()),
        supporters_available=SupporterStatus.objects.filter(is_available=True, supporter__is_active=True).count(),
        hours=hours.describe(),
    )


def is_blocked(*, address: str, now: datetime | None = None) -> bool:
    return Block.objects.filter(address_hash=address_hash(address), expires_at__gt=now or timezone.now()).exists()


@transaction.atomic
def set_availability(*, supporter: User, available: bool) -> SupporterStatus:
    if not is_chat_supporter(supporter):
        raise ChatError("Only chat supporters can take chats.", code="forbidden")
    status, _ = SupporterStatus.objects.select_for_update().get_or_create(supporter=supporter)
    if status.is_available != available:
        status.is_available = available
        status.changed_at = timezone.now()
        status.save(update_fields=["is_available", "changed_at"])
        _tell_staff()
        _tell_queue()
    return status


def console_opened(*, supporter: User) -> None:
    """One more console socket of this supporter is open (on any server process)."""
    status, _ = SupporterStatus.objects.get_or_create(supporter=supporter)
    SupporterStatus.objects.filter(pk=status.pk).update(consoles_open=F("consoles_open") + 1)


@transaction.atomic
def console_closed(*, supporter: User, now: datetime | None = None) -> datetime | None:
    """One console socket closed. When it was their last, the moment is returned: the consumer
    then calls `away_if_consoles_closed` with it once the grace period has passed."""
    status = SupporterStatus.objects.select_for_update().filter(supporter=supporter).first()
    if status is None:
        return None
    status.consoles_open = max(status.consoles_open - 1, 0)
    if status.consoles_open == 0:
        status.consoles_closed_at = now or timezone.now()
    status.save(update_fields=["consoles_open", "consoles_closed_at"])
    return status.consoles_closed_at if status.consoles_open == 0 else None


@transaction.atomic
def away_if_consoles_closed(*, supporter: User, closed_at: datetime) -> bool:
    """Set the supporter away if no console has opened since their last one closed at `closed_at`
    (a page change or a reconnect within the grace period keeps them available). True if set away."""
    status = SupporterStatus.objects.select_for_update().filter(supporter=supporter).first()
    if status is None or not status.is_available or status.consoles_open or status.consoles_closed_at != closed_at:
        return False
    status.is_available = False
    status.changed_at = timezone.now()
    status.save(update_fields=["is_available", "changed_at"])
    _tell_staff()
    _tell_queue()
    return True


# --- Starting, waiting, leaving ---------------------------------------------------------------


@transaction.atomic
def start_chat(
    *,
    nickname: str,
    topic: str = "",
    at_risk: bool,
    address: str,
    shared_role: str = "",
    shared_guides: list[str] | None = None,
    shared_what_happened: list[str] | None = None,
    now: datetime | None = None,
) -> Conversation:
    """Join the queue. Refused (ChatError) when closed, when nobody is available, or for a blocked address."""
    moment = now or timezone.now()
    nickname = nickname.strip()
    if not nickname or len(nickname) > 50:
        raise ChatError("Enter a first name or nickname of 50 characters or fewer.", code="nickname")
    if is_blocked(address=address, now=moment):
        raise ChatError("You cannot start a chat at the moment.", code="blocked")
    status = availability(now=moment)
    if not status.is_open:
        raise ChatError("Live chat is closed at the moment.", code="closed")
    if not status.supporters_available:
        raise ChatError("No supporter is free at the moment.", code="nobody")
    conversation = Conversation.objects.create(
        visitor_token=secrets.token_urlsafe(32),
        nickname=nickname,
        topic=topic[:120],
        at_risk=at_risk,
        shared_role=shared_role,
        shared_guides=list(shared_guides or [])[:20],
        shared_what_happened=list(shared_what_happened or [])[:20],
        address_hash=address_hash(address),
        created_at=moment,
        visitor_seen_at=moment,
    )
    _send_after_commit(STAFF_GROUP, {"type": "chat.staff", "new_chat": True})
    return conversation


def conversation_for_visitor(token: str | None) -> Conversation | None:
    if not token:
        return None
    return Conversation.objects.filter(visitor_token=token).first()


def note_visitor_seen(*, conversation: Conversation, now: datetime | None = None) -> None:
    """The visitor is still there (a page refresh, or an open connection): they keep their place."""
    moment = now or timezone.now()
    Conversation.objects.filter(pk=conversation.pk).exclude(state=State.ENDED).update(visitor_seen_at=moment)


def queue_position(conversation: Conversation) -> int:
    """1 for the next to be taken. At-risk visitors go ahead of everyone else."""
    if conversation.state != State.WAITING:
        return 0
    ahead = Conversation.objects.waiting().filter(
        Q(at_risk=True, created_at__lt=conversation.created_at)
        | Q(at_risk=True, created_at=conversation.created_at, pk__lt=conversation.pk)
        if conversation.at_risk
        else Q(at_risk=True)
        | Q(created_at__lt=conversation.created_at)
        | Q(created_at=conversation.created_at, pk__lt=conversation.pk)
    )
    return ahead.count() + 1


def typical_chat_minutes(*, now: datetime | None = None) -> float:
    """The median length of recent chats, or a sensible guess when there are none yet."""
    since = (now or timezone.now()) - timedelta(days=7)
    recent = Conversation.objects.filter(ended_at__gte=since, accepted_at__isnull=False).order_by("-ended_at")
    lengths = [
        (ended - accepted).total_seconds() / 60
        for accepted, ended in recent.values_list("accepted_at", "ended_at")[:RECENT_CHATS_FOR_ESTIMATE]
        if accepted and ended
    ]
    return statistics.median(lengths) if lengths else DEFAULT_CHAT_MINUTES


def estimated_wait_minutes(*, position: int, now: datetime | None = None) -> int | None:
    """From the supporters available now, their free places, and the recent time per chat. None: cannot say."""
    available = list(
        SupporterStatus.objects.filter(is_available=True, supporter__is_active=True).values_list(
            "supporter_id", flat=True
        )
    )
    if not available or position < 1:
        return None
    limit = settings.CHAT_MAX_CHATS_PER_SUPPORTER
    places = len(available) * limit
    busy = Conversation.objects.active().filter(supporter_id__in=available).count()
    free = max(places - busy, 0)
    if position <= free:
        return 1
    return max(1, math.ceil((position - free) * typical_chat_minutes(now=now) / places))


def describe_wait(minutes: int | None) -> str:
    if minutes is None:
        return "We cannot say how long it will be"
    if minutes <= 1:
        return "about a minute"
    if minutes < 10:
        return f"about {minutes} minutes"
    if minutes < 60:
        return f"about {5 * round(minutes / 5)} minutes"
    return "more than an hour"


def queue_state(conversation: Conversation) -> dict[str, Any]:
    """Where a visitor stands, for their page and their socket."""
    position = queue_position(conversation)
    event: dict[str, Any] = {"type": "state", "state": conversation.state, "reason": conversation.end_reason}
    if conversation.state == State.WAITING:
        event.update(position=position, wait=describe_wait(estimated_wait_minutes(position=position)))
    return event


# --- Messages ---------------------------------------------------------------------------------


def clean_text(text: Any) -> str:
    """The same rule for every way in: some words, at most MAX_MESSAGE_LENGTH characters."""
    if not isinstance(text, str) or not text.strip():
        raise ChatError("Write a message before sending.", code="empty")
    text = text.strip()
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ChatError(f"Messages must be {MAX_MESSAGE_LENGTH:,} characters or fewer.", code="too_long")
    return text


def _append(
    conversation: Conversation, *, sender: str, text: str, author: User | None = None, kind: str = MessageKind.TEXT
) -> Message:
    """Number and store one message (the caller holds the conversation's row lock), then broadcast it."""
    conversation.last_seq += 1
    conversation.save(update_fields=["last_seq"])
    message = Message.objects.create(
        conversation=conversation, seq=conversation.last_seq, sender=sender, author=author, kind=kind, text=text
    )
    _tell_conversation_id(conversation.pk, message)
    return message


def _tell_conversation_id(conversation_id: int, message: Message) -> None:
    _send_after_commit(
        f"chat.conversation.{conversation_id}",
        {"type": "chat.event", "conversation": conversation_id, "event": message.as_event()},
    )


def _send_message(
    conversation_id: int, *, sender: str, text: str, author: User | None = None, seen_at: datetime | None = None
) -> Message | None:
    """Number and store one message of an active chat, then relay it after commit. With `author`
    (a supporter), only if the chat is theirs; with `seen_at`, the visitor is noted as still there.
    None when the chat is not active (or not theirs), and nothing is stored.

    The chat's row (last_seq + 1, which holds it until commit as select_for_update would) and the
    message are written together: on PostgreSQL in one statement, the update in a WITH, so a message
    costs one round trip and no BEGIN or COMMIT; on SQLite, which has no such statement, in one
    transaction of two."""
    message = Message(conversation_id=conversation_id, sender=sender, kind=MessageKind.TEXT, author=author, text=text)
    assignments: list[str] = ["last_seq = last_seq + 1"]
    update_params: list[Any] = []
    if seen_at is not None:
        assignments.append("visitor_seen_at = %s")
        update_params.append(seen_at)
    conditions = ["id = %s", "state = %s"]
    update_params += [conversation_id, State.ACTIVE]
    if author is not None:
        conditions.append("supporter_id = %s")
        update_params.append(author.pk)
    number = (
        f"UPDATE {Conversation._meta.db_table} SET {', '.join(assignments)} "  # noqa: S608 (names from the models, values as parameters)
        f"WHERE {' AND '.join(conditions)} RETURNING last_seq"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = ["conversation", "seq", "sender", "kind", "author", "text", "created_at"]
            fields: list[Any] = [Message._meta.get_field(name) for name in columns]
            names = ", ".join(field.column for field in fields)
            sealed = fields[columns.index("text")].seal(message, text)
            cursor.execute(
                f"WITH numbered AS ({number}) INSERT INTO {Message._meta.db_table} ({names}) "  # noqa: S608 (as above)
                "SELECT %s, last_seq, %s, %s, %s, %s, %s FROM numbered RETURNING id, seq",
                [
                    *update_params,
                    conversation_id,
                    sender,
                    message.kind,
                    message.author_id,
                    str(sealed),
                    message.created_at,
                ],
            )
            row = cursor.fetchone()
            if row is None:
                return None
            message.pk, message.seq = row
            message._state.adding = False
            message._state.db = connection.alias
        else:
            with transaction.atomic():
                cursor.execute(number, update_params)
                row = cursor.fetchone()
                if row is None:
                    return None
                message.seq = row[0]
                message.save(force_insert=True)
    _tell_conversation_id(conversation_id, message)
    return message


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def send_visitor_message(*, conversation: Conversation, text: Any) -> Message:
    """The visitor's message, however it comes (socket or form): checked, limited per visitor,
    numbered and stored encrypted at once, then relayed."""
    cleaned = clean_text(text)
    limit, window = VISITOR_MESSAGE_LIMIT
    if not limits.hit(scope="chat-visitor", key=conversation.visitor_token, limit=limit, window_seconds=window):
        raise ChatError("You are sending messages very quickly. Wait a moment, then send again.", code="too_fast")
    message = _send_message(conversation.pk, sender=Sender.VISITOR, text=cleaned, seen_at=timezone.now())
    if message is not None:
        return message
    # Only when refused: say why.
    state = Conversation.objects.filter(pk=conversation.pk).values_list("state", flat=True).first()
    raise ChatError(
        "A supporter has not joined yet." if state == State.WAITING else "This chat has ended.", code="not_active"
    )


def send_supporter_message(*, conversation: Conversation, supporter: User, text: Any) -> Message:
    """Only `conversation.pk` is read: the chat's state and supporter are checked in the same
    statement that numbers the message, so the console need not load the chat first."""
    cleaned = clean_text(text)
    message = _send_message(conversation.pk, sender=Sender.SUPPORTER, text=cleaned, author=supporter)
    if message is not None:
        return message
    # Only when refused: say why.
    chat = Conversation.objects.filter(pk=conversation.pk).values_list("supporter_id", "state").first()
    if chat is None or chat[0] != supporter.pk:
        raise ChatError("This chat is not yours.", code="forbidden")
    raise ChatError("This chat has ended.", code="not_active")


def messages_after(conversation: Conversation, seq: int = 0) -> list[Message]:
    """Everything after the last message a side has seen: a reconnect gets what it missed, once."""
    return list(Message.objects.filter(conversation=conversation, seq__gt=max(seq, 0)).order_by("seq"))


def typing_event(*, conversation_id: int, sender: str) -> dict[str, Any]:
    """Not stored: a hint, sent straight to the other side."""
    return {"type": "chat.event", "conversation": conversation_id, "event": {"type": "typing", "sender": sender}}


# --- The supporter's side ---------------------------------------------------------------------


def active_count(supporter: User) -> int:
    return Conversation.objects.active().filter(supporter=supporter).count()


def _check_room(supporter: User) -> None:
    limit = settings.CHAT_MAX_CHATS_PER_SUPPORTER
    if active_count(supporter) >= limit:
        raise ChatError(f"You already have {limit} chats, the most at once. End one first.", code="limit")


def _audit(*, staff: User, conversation: Conversation, action: str, detail: str = "") -> None:
    AuditEntry.objects.create(
        staff=staff,
        staff_email=staff.email,
        conversation=conversation,
        reference=conversation.reference,
        action=action,
        detail=detail,
    )


@transaction.atomic
def take_next_chat(*, supporter: User, now: datetime | None = None) -> Conversation | None:
    """Give the supporter the first person in the queue (at risk first). None when nobody is waiting."""
    if not is_chat_supporter(supporter):
        raise ChatError("Only chat supporters can take chats.", code="forbidden")
    moment = now or timezone.now()
    end_stale_waiting(now=moment)
    _check_room(supporter)
    for candidate in Conversation.objects.in_queue_order()[:5]:
        # A conditional update: if another supporter took this one a moment ago, try the next.
        if Conversation.objects.filter(pk=candidate.pk, state=State.WAITING).update(
            state=State.ACTIVE, supporter=supporter, accepted_at=moment
        ):
            conversation = _locked(candidate)
            _append(conversation, sender=Sender.SYSTEM, text="A supporter has joined the chat.")
            _tell_conversation(conversation, {"type": "state", "state": State.ACTIVE, "reason": ""})
            _audit(staff=supporter, conversation=conversation, action=AuditAction.TOOK)
            _send_after_commit(
                supporter_group(supporter.pk), {"type": "chat.assigned", "conversation": conversation.pk}
            )
            _tell_staff()
            _tell_queue()
            return conversation
    return None


@transaction.atomic
def transfer_chat(*, conversation: Conversation, supporter: User, to: User) -> Conversation:
    """Hand an active chat to another available supporter with room; they see the whole history."""
    locked = _locked(conversation)
    if locked.state != State.ACTIVE or locked.supporter_id != supporter.pk:
        raise ChatError("Only the supporter in an active chat can transfer it.", code="forbidden")
    if to.pk == supporter.pk or not is_chat_supporter(to):
        raise ChatError("Choose another chat supporter.", code="invalid")
    if not SupporterStatus.objects.filter(supporter=to, is_available=True).exists():
        raise ChatError("That supporter is away.", code="away")
    _check_room(to)
    locked.supporter = to
    locked.save(update_fields=["supporter"])
    _append(locked, sender=Sender.SYSTEM, text="You are now talking to another supporter, who can see the chat so far.")
    _audit(staff=supporter, conversation=locked, action=AuditAction.TRANSFERRED, detail=f"to {to.email}")
    _send_after_commit(supporter_group(to.pk), {"type": "chat.assigned", "conversation": locked.pk})
    _send_after_commit(supporter_group(supporter.pk), {"type": "chat.unassigned", "conversation": locked.pk})
    _tell_staff()
    return locked


def transfer_candidates(*, supporter: User) -> list[User]:
    """Available supporters, other than this one, with room for another chat."""
    from accounts.models import User

    limit = settings.CHAT_MAX_CHATS_PER_SUPPORTER
    others = (
        User.objects.filter(chat_status__is_available=True, is_active=True).exclude(pk=supporter.pk).order_by("email")
    )
    return [user for user in others if is_chat_supporter(user) and active_count(user) < limit]


# --- Ending -----------------------------------------------------------------------------------

_SYSTEM_LINE = {
    EndReason.VISITOR_ENDED: "They ended the chat.",
    EndReason.SUPPORTER_ENDED: "The supporter ended the chat.",
    EndReason.QUICK_EXIT: "Left using quick exit: do not try to contact them.",
    EndReason.LEFT_QUEUE: "They left the queue.",
    EndReason.TIMED_OUT: "They stopped waiting.",
    EndReason.BLOCKED: "The supporter ended the chat.",
}


@transaction.atomic
def end_chat(*, conversation: Conversation, reason: str, by: User | None = None, now: datetime | None = None) -> bool:
    """End a waiting or active chat. Ending one that has already ended does nothing (False)."""
    locked = _locked(conversation)
    if locked.state == State.ENDED:
        return False
    if by is not None and locked.supporter_id != by.pk:
        raise ChatError("This chat is not yours.", code="forbidden")
    was_waiting = locked.state == State.WAITING
    locked.state = State.ENDED
    locked.end_reason = reason
    locked.ended_at = now or timezone.now()
    locked.save(update_fields=["state", "end_reason", "ended_at"])
    _append(locked, sender=Sender.SYSTEM, text=_SYSTEM_LINE[EndReason(reason)])
    _tell_conversation(
        locked, {"type": "state", "state": State.ENDED, "reason": reason, "reason_text": EndReason(reason).label}
    )
    if by is not None:
        _audit(staff=by, conversation=locked, action=AuditAction.ENDED)
    if locked.supporter_id:
        _send_after_commit(supporter_group(locked.supporter_id), {"type": "chat.ended", "conversation": locked.pk})
    _tell_staff()
    if was_waiting:
        _tell_queue()
    return True


def end_chat_on_quick_exit(*, visitor_token: str | None) -> bool:
    """Quick exit ends the visitor's chat at once; the supporter is told not to contact them."""
    conversation = conversation_for_visitor(visitor_token)
    if conversation is None:
        return False
    return end_chat(conversation=conversation, reason=EndReason.QUICK_EXIT)


@transaction.atomic
def block_visitor(*, conversation: Conversation, supporter: User, now: datetime | None = None) -> Block | None:
    """End the chat and refuse new chats from the visitor's address for 24 hours."""
    moment = now or timezone.now()
    locked = _locked(conversation)
    if locked.supporter_id != supporter.pk:
        raise ChatError("This chat is not yours.", code="forbidden")
    end_chat(conversation=locked, reason=EndReason.BLOCKED, now=moment)
    _audit(staff=supporter, conversation=locked, action=AuditAction.BLOCKED)
    if not locked.address_hash:
        return None
    return Block.objects.create(
        address_hash=locked.address_hash,
        blocked_by=supporter,
        conversation=locked,
        created_at=moment,
        expires_at=moment + BLOCK_FOR,
    )


def end_stale_waiting(*, now: datetime | None = None) -> int:
    """People who stopped waiting without saying so (closed the page) leave the queue."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.CHAT_WAITING_TIMEOUT_MINUTES)
    ended = 0
    for conversation in Conversation.objects.waiting().filter(visitor_seen_at__lt=cutoff):
        ended += end_chat(conversation=conversation, reason=EndReason.TIMED_OUT, now=now)
    return ended


# --- Wrap-up and referrals --------------------------------------------------------------------


@transaction.atomic
def wrap_up_chat(
    *,
    conversation: Conversation,
    supporter: User,
    outcome: WrapUpOutcome,
    referral: str,
    organisation: Organisation | None = None,
    notes: str = "",
) -> WrapUp:
    """The supporter's short record of an ended chat. Writing it again replaces it."""
    locked = _locked(conversation)
    if locked.supporter_id != supporter.pk:
        raise ChatError("This chat is not yours.", code="forbidden")
    if locked.state != State.ENDED:
        raise ChatError("End the chat before the wrap-up.", code="not_ended")
    if referral == Referral.PARTNER and organisation is None:
        raise ChatError("Choose the partner organisation.", code="organisation")
    wrap_up, _ = WrapUp.objects.update_or_create(
        conversation=locked,
        defaults={
            "supporter": supporter,
            "outcome": outcome,
            "referral": referral,
            "organisation": organisation if referral == Referral.PARTNER else None,
            "notes": notes,
        },
    )
    _audit(staff=supporter, conversation=locked, action=AuditAction.WRAPPED_UP)
    return wrap_up


CONTACT_FORM_TEXT = (
    "If you would like a caseworker to get in touch, please tell us how and when it is safe to contact you."
)


@transaction.atomic
def send_contact_form(*, conversation: Conversation, supporter: User) -> Message:
    """Offer the visitor the safe-contact form, for a referral to a caseworker."""
    locked = _locked(conversation)
    if locked.supporter_id != supporter.pk or locked.state != State.ACTIVE:
        raise ChatError("Only the supporter in an active chat can do this.", code="forbidden")
    return _append(
        locked, sender=Sender.SUPPORTER, author=supporter, kind=MessageKind.CONTACT_FORM, text=CONTACT_FORM_TEXT
    )


def contact_form_offered(conversation: Conversation) -> bool:
    return conversation.messages.filter(kind=MessageKind.CONTACT_FORM).exists()


@transaction.atomic
def refer_to_caseworker(
    *, conversation: Conversation, name: str, contact: SafeContact, submission_token: uuid.UUID, area: str = ""
) -> Any:
    """The visitor's contact details go to the caseworker queue (and its outbox), never into the chat."""
    from referrals import services as referrals

    locked = _locked(conversation)
    if not contact_form_offered(locked):
        raise ChatError("The supporter has not asked for contact details.", code="forbidden")
    support_request = referrals.request_caseworker_from_chat(
        name=name or locked.nickname,
        contact=contact,
        submission_token=submission_token,
        at_risk=locked.at_risk,
        area=area,
    )
    if locked.caseworker_request_id != support_request.pk:
        locked.caseworker_request = support_request
        locked.save(update_fields=["caseworker_request"])
        if locked.state == State.ACTIVE:
            _append(
                locked,
                sender=Sender.SYSTEM,
                text=f"Contact details sent to our caseworkers (request {support_request.reference}).",
            )
    return support_request


# --- After the chat ---------------------------------------------------------------------------


def record_feedback(*, helped: str) -> Feedback:
    return Feedback.objects.create(helped=helped)


@transaction.atomic
def keep_copy(*, conversation: Conversation, user: User) -> None:
    """A signed-in visitor's unticked choice at the end: the chat becomes part of their data."""
    locked = _locked(conversation)
    if locked.state == State.ENDED and user.is_authenticated:
        locked.kept_by = user
        locked.save(update_fields=["kept_by"])


def record_transcript_view(*, conversation: Conversation, staff: User) -> None:
    _audit(staff=staff, conversation=conversation, action=AuditAction.VIEWED)


# --- Retention, data export ---------------------------------------------------------------------


@dataclass(frozen=True)
class Purged:
    conversations: int
    blocks: int


@transaction.atomic
def purge_expired_chats(*, now: datetime | None = None) -> Purged:
    """Delete transcripts, wrap-ups and blocks older than CHAT_RETENTION_DAYS. Running it twice is harmless."""
    moment = now or timezone.now()
    end_stale_waiting(now=moment)
    cutoff = moment - timedelta(days=settings.CHAT_RETENTION_DAYS)
    old = Conversation.objects.filter(created_at__lt=cutoff)
    conversations = old.count()
    # Messages and wrap-ups go with their conversation (on_delete=CASCADE).
    old.delete()
    blocks, _ = Block.objects.filter(Q(created_at__lt=cutoff) | Q(expires_at__lt=cutoff)).delete()
    return Purged(conversations=conversations, blocks=blocks)


def export_for(user: User) -> list[dict[str, Any]]:
    """Only chats the person chose to keep; other chats were never linked to their account."""
    kept = Conversation.objects.filter(kept_by=user).prefetch_related("messages")
    return [
        {
            "date": conversation.created_at.isoformat(),
            "nickname": conversation.nickname,
            "topic": conversation.topic,
            "messages": [
                {"from": message.get_sender_display(), "at": message.created_at.isoformat(), "text": message.text}
                for message in conversation.messages.all()
            ],
        }
        for conversation in kept
    ]


# --- The supervisors' board ---------------------------------------------------------------------


@dataclass(frozen=True)
class TodayFigures:
    chats: int
    median_wait_seconds: int | None
    median_length_seconds: int | None
    abandoned: int


def today_figures(*, now: datetime | None = None) -> TodayFigures:
    local = timezone.localtime(now or timezone.now())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    today = Conversation.objects.filter(created_at__gte=start)
    rows = list(today.values_list("created_at", "accepted_at", "ended_at", "end_reason"))
    waits = [(accepted - created).total_seconds() for created, accepted, _, _ in rows if accepted]
    lengths = [(ended - accepted).total_seconds() for _, accepted, ended, _ in rows if accepted and ended]
    abandoned = sum(1 for _, accepted, _, reason in rows if accepted is None and reason in ABANDONED)
    return TodayFigures(
        chats=sum(1 for row in rows if row[1]),
        median_wait_seconds=int(statistics.median(waits)) if waits else None,
        median_length_seconds=int(statistics.median(lengths)) if lengths else None,
        abandoned=abandoned,
    )
