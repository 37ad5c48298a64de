"""The two websockets of the live chat: the visitor's and the supporter console's.

Both only relay: every write goes through chat.services (the same functions as the plain pages),
which broadcast after commit. A reconnecting side says the last message number it has seen and
gets everything after it, so nothing is lost and, as the page ignores numbers it already has,
nothing is shown twice.

Frames are JSON objects with a ``type``. Anything else (not JSON, too large, unknown type, a
message too long or too fast) gets an ``error`` frame and is not stored.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from typing import Any

from channels.auth import get_user
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from chat import services
from chat.models import (
    MAX_MESSAGE_LENGTH,
    Conversation,
    EndReason,
    Sender,
    State,
    is_chat_supervisor,
    is_chat_supporter,
)
from chat.services import QUEUE_GROUP, STAFF_GROUP, VISITOR_SESSION_KEY, ChatError

# A frame is refused before it is parsed when it is larger than a full message could be.
MAX_FRAME_BYTES = MAX_MESSAGE_LENGTH * 4 + 1024
# Per connection: a burst of 5 messages in 5 seconds, 30 in a minute.
CONNECTION_LIMITS = [(5, 5.0), (30, 60.0)]
# Typing hints are not stored, but are limited too.
TYPING_EVERY_SECONDS = 2.0


class RateLimiter:
    """Sliding windows kept in the connection: cheap, and a flood never reaches the database."""

    def __init__(self, windows: list[tuple[int, float]]) -> None:
        self.windows = windows
        self.sent: deque[float] = deque(maxlen=max(limit for limit, _ in windows))

    def allow(self, now: float | None = None) -> bool:
        moment = time.monotonic() if now is None else now
        for limit, seconds in self.windows:
            if sum(1 for at in self.sent if moment - at < seconds) >= limit:
                return False
        self.sent.append(moment)
        return True


class ChatSocket(AsyncWebsocketConsumer):
    """What both sockets share: parsing and checking frames, error frames, rate limits."""

    handlers: dict[str, str] = {}

    async def connect(self) -> None:
        self.limiter = RateLimiter(CONNECTION_LIMITS)
        self.last_typing = 0.0
        self.groups_joined: set[str] = set()
        if not await self.authorise():
            await self.close(code=4403)
            return
        await self.accept()
        await self.joined()

    async def authorise(self) -> bool:
        raise NotImplementedError

    async def joined(self) -> None:
        """After accept: join groups (before reading anything, so nothing falls between)."""

    async def join(self, group: str) -> None:
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.add(group)

    async def leave(self, group: str) -> None:
        if group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.groups_joined.discard(group)

    async def disconnect(self, code: int) -> None:
        for group in list(getattr(self, "groups_joined", ())):
            await self.leave(group)

    async def send_json(self, data: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(data, separators=(",", ":")))

    async def error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None or len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.error("bad_frame", "That could not be read. Messages are text of 2,000 characters or fewer.")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            frame = None
        if not isinstance(frame, dict) or frame.get("type") not in self.handlers:
            await self.error("bad_frame", "That could not be read.")
            return
        await getattr(self, self.handlers[frame["type"]])(frame)

    async def allowed_to_type(self) -> bool:
        now = time.monotonic()
        if now - self.last_typing < TYPING_EVERY_SECONDS:
            return False
        self.last_typing = now
        return True

    async def send_messages_after(self, conversation: Conversation, last_seq: Any) -> None:
        seq = last_seq if isinstance(last_seq, int) and not isinstance(last_seq, bool) else 0
        for message in await services.call(services.messages_after, conversation, seq):
            await self.send_json({**message.as_event(), "conversation": conversation.pk})


class VisitorConsumer(ChatSocket):
    """The visitor's socket: the conversation is the one whose token is in their session."""

    handlers = {"resume": "on_resume", "send": "on_send", "typing": "on_typing", "ping": "on_ping"}

    async def authorise(self) -> bool:
        session = self.scope.get("session")
        if session is None:
            return False
        conversation = await services.call(_visitor_conversation, session)
        if conversation is None:
            return False
        self.conversation = conversation
        return True

    async def joined(self) -> None:
        await self.join(self.conversation.group_name)
        await self.join(QUEUE_GROUP)
        await services.call(services.note_visitor_seen, conversation=self.conversation)

    async def refresh(self) -> Conversation:
        self.conversation = await services.call(Conversation.objects.get, pk=self.conversation.pk)
        return self.conversation

    async def send_state(self) -> None:
        conversation = await self.refresh()
        await self.send_json(await services.call(services.queue_state, conversation))
        if conversation.state != State.WAITING:
            await self.leave(QUEUE_GROUP)

    async def on_resume(self, frame: dict[str, Any]) -> None:
        conversation = await self.refresh()
        await self.send_messages_after(conversation, frame.get("last_seq"))
        await self.send_state()

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await services.call(services.note_visitor_seen, conversation=self.conversation)

    async def on_send(self, frame: dict[str, Any]) -> None:
        if not self.limiter.allow():
            await self.error("too_fast", "You are sending messages very quickly. Wait a moment, then send again.")
            return
        try:
            # The per-visitor limit (across socket and form) is checked there.
            message = await services.call(
                services.send_visitor_message, conversation=self.conversation, text=frame.get("text")
            )
        except ChatError as error:
            await self.error(error.code, error.message)
            return
        await self.send_json({"type": "sent", "seq": message.seq, "client_id": str(frame.get("client_id", ""))[:40]})

    async def on_typing(self, frame: dict[str, Any]) -> None:
        if self.conversation.state == State.ACTIVE and await self.allowed_to_type():
            await self.channel_layer.group_send(
                self.conversation.group_name,
                services.typing_event(conversation_id=self.conversation.pk, sender=Sender.VISITOR),
            )

    # -- from the channel layer --
    async def chat_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        if event["type"] == "typing":
            if event["sender"] != Sender.VISITOR:
                await self.send_json(event)
            return
        if event["type"] == "state":
            await self.send_state()
            return
        await self.send_json(event)

    async def chat_queue(self, message: dict[str, Any]) -> None:
        await self.send_state()


class SupporterConsumer(ChatSocket):
    """The console's socket: staff in a chat group, verified with two-factor. Everyone else is refused."""

    handlers = {"resume": "on_resume", "send": "on_send", "typing": "on_typing", "ping": "on_ping"}

    async def authorise(self) -> bool:
        if self.scope.get("session") is None:
            return False
        user = await get_user(self.scope)
        if not await services.call(_verified_chat_supporter, user, self.scope["session"]):
            return False
        self.user = user
        self.is_supervisor = await services.call(is_chat_supervisor, user)
        return True

    async def joined(self) -> None:
        await services.call(services.console_opened, supporter=self.user)
        self.console_counted = True
        await self.join(STAFF_GROUP)
        await self.join(services.supporter_group(self.user.pk))
        for pk in await services.call(_active_chat_ids, self.user):
            await self.join(f"chat.conversation.{pk}")

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        if getattr(self, "console_counted", False):
            self.console_counted = False
            closed_at = await services.call(services.console_closed, supporter=self.user)
            if closed_at is not None:
                _keep(asyncio.ensure_future(_away_after_grace(self.user, closed_at)))

    async def conversation(self, frame: dict[str, Any], *, own: bool = True) -> Conversation | None:
        pk = frame.get("conversation")
        if not isinstance(pk, int) or isinstance(pk, bool):
            await self.error("bad_frame", "Say which chat.")
            return None
        chats = Conversation.objects.filter(pk=pk)
        if own or not self.is_supervisor:
            chats = chats.filter(supporter=self.user)
        conversation = await services.call(chats.first)
        if conversation is None:
            await self.error("not_found", "That chat is not yours.")
        return conversation

    async def on_resume(self, frame: dict[str, Any]) -> None:
        conversation = await self.conversation(frame, own=False)
        if conversation is None:
            return
        await self.join(conversation.group_name)
        await self.send_messages_after(conversation, frame.get("last_seq"))
        if conversation.state == State.ENDED:
            await self.send_json(_ended_event(conversation))

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})

    async def on_send(self, frame: dict[str, Any]) -> None:
        if not self.limiter.allow():
            await self.error("too_fast", "Messages are being sent very quickly. Wait a moment.")
            return
        pk = frame.get("conversation")
        if not isinstance(pk, int) or isinstance(pk, bool):
            await self.error("bad_frame", "Say which chat.")
            return
        try:
            # Whose chat it is and whether it is still going are checked as the message is numbered.
            message = await services.call(
                services.send_supporter_message,
                conversation=Conversation(pk=pk),
                supporter=self.user,
                text=frame.get("text"),
            )
        except ChatError as error:
            if error.code == "forbidden":
                await self.error("not_found", "That chat is not yours.")
            else:
                await self.error(error.code, error.message)
            return
        await self.send_json(
            {
                "type": "sent",
                "conversation": pk,
                "seq": message.seq,
                "client_id": str(frame.get("client_id", ""))[:40],
            }
        )

    async def on_typing(self, frame: dict[str, Any]) -> None:
        pk = frame.get("conversation")
        if isinstance(pk, int) and f"chat.conversation.{pk}" in self.groups_joined and await self.allowed_to_type():
            await self.channel_layer.group_send(
                f"chat.conversation.{pk}", services.typing_event(conversation_id=pk, sender=Sender.SUPPORTER)
            )

    # -- from the channel layer --
    async def chat_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        if event["type"] == "typing" and event["sender"] == Sender.SUPPORTER:
            return
        await self.send_json({**event, "conversation": message["conversation"]})

    async def chat_staff(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "queue", "new_chat": bool(message.get("new_chat"))})

    async def chat_assigned(self, message: dict[str, Any]) -> None:
        await self.join(f"chat.conversation.{message['conversation']}")
        await self.send_json({"type": "assigned", "conversation": message["conversation"]})

    async def chat_unassigned(self, message: dict[str, Any]) -> None:
        await self.leave(f"chat.conversation.{message['conversation']}")
        await self.send_json({"type": "unassigned", "conversation": message["conversation"]})

    async def chat_ended(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "queue", "new_chat": False})


# Timers waiting out a closed console's grace period (kept, so they are not collected before they run).
_timers: set[asyncio.Future[None]] = set()


def _keep(timer: asyncio.Future[None]) -> None:
    _timers.add(timer)
    timer.add_done_callback(_timers.discard)


async def _away_after_grace(user: Any, closed_at: Any) -> None:
    """Their last console closed: unless one opens again meanwhile, they are set away."""
    await asyncio.sleep(settings.CHAT_CONSOLE_AWAY_AFTER_SECONDS)
    await services.call(services.away_if_consoles_closed, supporter=user, closed_at=closed_at)


def _ended_event(conversation: Conversation) -> dict[str, Any]:
    reason = conversation.end_reason
    return {
        "type": "state",
        "conversation": conversation.pk,
        "state": State.ENDED,
        "reason": reason,
        "reason_text": EndReason(reason).label if reason else "",
    }


def _visitor_conversation(session: Any) -> Conversation | None:
    return services.conversation_for_visitor(session.get(VISITOR_SESSION_KEY))


def _active_chat_ids(user: Any) -> list[int]:
    return list(Conversation.objects.active().filter(supporter=user).values_list("pk", flat=True))


def _verified_chat_supporter(user: Any, session: Any) -> bool:
    """As django_otp's OTPMiddleware would decide (it does not run for websockets): the device named
    in the session must exist, be confirmed and belong to this user; and the user must be chat staff."""
    if not is_chat_supporter(user):
        return False
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and bool(device.confirmed)
