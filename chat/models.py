"""Live chat: conversations between a visitor and a supporter, their encrypted messages, the
supporters' availability, wrap-ups, canned responses, blocks and the staff audit trail."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from encryption.fields import EncryptedTextField

CHAT_SUPPORTERS_GROUP = "Chat supporters"
CHAT_SUPERVISORS_GROUP = "Chat supervisors"
MAX_MESSAGE_LENGTH = 2000


class State(models.TextChoices):
    WAITING = "waiting", "Waiting"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class EndReason(models.TextChoices):
    VISITOR_ENDED = "visitor_ended", "They ended the chat"
    SUPPORTER_ENDED = "supporter_ended", "The supporter ended the chat"
    QUICK_EXIT = "quick_exit", "Left using quick exit: do not try to contact them"
    LEFT_QUEUE = "left_queue", "Left the queue before a supporter was free"
    TIMED_OUT = "timed_out", "Stopped waiting (no longer on the page)"
    BLOCKED = "blocked", "Ended and blocked for 24 hours"


# End reasons of someone who never reached a supporter: "abandoned while waiting" on the board.
ABANDONED = (EndReason.LEFT_QUEUE, EndReason.TIMED_OUT, EndReason.QUICK_EXIT)


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def waiting(self) -> ConversationQuerySet:
        return self.filter(state=State.WAITING)

    def active(self) -> ConversationQuerySet:
        return self.filter(state=State.ACTIVE)

    def live(self) -> ConversationQuerySet:
        return self.exclude(state=State.ENDED)

    def in_queue_order(self) -> ConversationQuerySet:
        """Anyone who said they are not safe, or who may be at risk, first; then the longest wait."""
        return self.waiting().order_by("-at_risk", "created_at", "pk")


class Conversation(models.Model):
    """One chat. The visitor is known only by a random token kept in their session."""

    visitor_token = models.CharField(max_length=64, unique=True)
    nickname = models.CharField(max_length=50)
    topic = models.CharField(max_length=120, blank=True)
    # What a signed-in visitor chose to share, copied when they started: their role and guide titles.
    shared_role = models.CharField(max_length=80, blank=True)
    shared_guides = models.JSONField(default=list, blank=True)
    # What happened to them (situation.models.CrimeType labels), only if they ticked to share it.
    shared_what_happened = models.JSONField(default=list, blank=True)
    # They said it is not safe to chat, or they are unsure, or their recent impact check said at risk.
    at_risk = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chat_conversations",
    )
    # The highest message number so far; each message takes the next one.
    last_seq = models.PositiveIntegerField(default=0)
    # Salted hash of the visitor's address, for blocking; never the address itself.
    address_hash = models.CharField(max_length=64, blank=True)
    # The caseworker request made from this chat (with the contact details the visitor gave), if any.
    caseworker_request = models.ForeignKey(
        "referrals.SupportRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set only when a signed-in visitor asks to keep a copy at the end: then it is part of their data.
    kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="kept_chats"
    )
    created_at = models.DateTimeField(default=timezone.now)
    visitor_seen_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["state", "-at_risk", "created_at"], name="chat_queue")]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(state__in=State.values), name="chat_state"),
        ]

    def __str__(self) -> str:
        return f"Chat {self.reference}"

    @property
    def reference(self) -> str:
        return f"C{self.pk:05d}" if self.pk else "C-new"

    @property
    def group_name(self) -> str:
        return f"chat.conversation.{self.pk}"

    @property
    def is_ended(self) -> bool:
        return self.state == State.ENDED

    @property
    def wait_seconds(self) -> int | None:
        end = self.accepted_at or self.ended_at
        return int((end - self.created_at).total_seconds()) if end else None

    @property
    def length_seconds(self) -> int | None:
        if self.accepted_at and self.ended_at:
            return int((self.ended_at - self.accepted_at).total_seconds())
        return None


class Sender(models.TextChoices):
    VISITOR = "visitor", "Visitor"
    SUPPORTER = "supporter", "Supporter"
    SYSTEM = "system", "Notice"


class MessageKind(models.TextChoices):
    TEXT = "text", "Message"
    # The supporter sent the form for safe contact details (for a caseworker).
    CONTACT_FORM = "contact_form", "Contact details form"


class Message(models.Model):
    """One line of a chat, numbered within it (seq) so a reconnecting side asks for what came after."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    sender = models.CharField(max_length=10, choices=Sender.choices)
    kind = models.CharField(max_length=20, choices=MessageKind.choices, default=MessageKind.TEXT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = EncryptedTextField(owner_field="conversation")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["conversation", "seq"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_seq")]

    def __str__(self) -> str:
        return f"Message {self.seq} of {self.conversation_id}"

    def as_event(self) -> dict[str, Any]:
        """What both sides receive, over the socket or rendered on the page."""
        return {
            "type": "message",
            "seq": self.seq,
            "sender": self.sender,
            "kind": self.kind,
            "text": self.text,
            "at": self.created_at.isoformat(),
        }


class SupporterStatus(models.Model):
    """Whether a supporter is taking chats now."""

    supporter = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_status")
    is_available = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)
    # Console sockets open now, across every server process, and when the last one closed: an
    # available supporter whose consoles have all closed is set away (CHAT_CONSOLE_AWAY_AFTER_SECONDS).
    consoles_open = models.PositiveIntegerField(default=0)
    consoles_closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "supporter statuses"

    def __str__(self) -> str:
        return f"{self.supporter} ({'available' if self.is_available else 'away'})"


class WrapUpOutcome(models.Model):
    """The outcomes a supporter chooses from at the end of a chat; supervisors edit the list."""

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("offered to supporters", default=True)

    class Meta:
        ordering: ClassVar = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Referral(models.TextChoices):
    NONE = "none", "No referral"
    PARTNER = "partner", "A partner organisation"
    CASEWORKER = "caseworker", "A caseworker"


class WrapUp(models.Model):
    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="wrap_up")
    supporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    outcome = models.ForeignKey(WrapUpOutcome, on_delete=models.PROTECT, related_name="+")
    referral = models.CharField(max_length=20, choices=Referral.choices, default=Referral.NONE)
    organisation = models.ForeignKey(
        "referrals.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = EncryptedTextField(owner_field="conversation", blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Wrap-up of chat {self.conversation_id}"


class CannedResponse(models.Model):
    """A ready-written message supporters can send or adapt; supervisors keep them in the admin."""

    title = models.CharField(max_length=80)
    text = models.TextField(max_length=MAX_MESSAGE_LENGTH)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("offered to supporters", default=True)

    class Meta:
        ordering: ClassVar = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class Block(models.Model):
    """An abusive visitor's address may not start a chat until ``expires_at``. Only a salted hash is kept."""

    address_hash = models.CharField(max_length=64, db_index=True)
    blocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Block until {self.expires_at:%d %B %Y %H:%M}"


class Feedback(models.Model):
    """The one question after a chat. Anonymous: not linked to the chat or anyone."""

    class Helped(models.TextChoices):
        YES = "yes", "Yes"
        A_LITTLE = "a_little", "A little"
        NO = "no", "No"

    helped = models.CharField(max_length=10, choices=Helped.choices)
    given_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{self.get_helped_display()} on {self.given_on}"


class AuditAction(models.TextChoices):
    VIEWED = "viewed", "Opened the transcript"
    TOOK = "took", "Took the chat"
    TRANSFERRED = "transferred", "Transferred the chat"
    ENDED = "ended", "Ended the chat"
    BLOCKED = "blocked", "Blocked the visitor"
    WRAPPED_UP = "wrapped_up", "Wrote the wrap-up"


class AuditEntry(models.Model):
    """Who on the staff opened or acted on which chat, and when. Names only the staff member."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    staff_email = models.CharField(max_length=254)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    reference = models.CharField(max_length=20)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name = "chat audit entry"
        verbose_name_plural = "chat audit entries"

    def __str__(self) -> str:
        return f"{self.staff_email} {self.get_action_display().lower()} {self.reference}"


def is_chat_supporter(user: Any) -> bool:
    """Staff in the Chat supporters or Chat supervisors group (or superusers).

    Two-factor is required of every signed-in page by middleware; websockets check it themselves.
    """
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return bool(
        user.is_superuser or user.groups.filter(name__in=[CHAT_SUPPORTERS_GROUP, CHAT_SUPERVISORS_GROUP]).exists()
    )


def is_chat_supervisor(user: Any) -> bool:
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return bool(user.is_superuser or user.groups.filter(name=CHAT_SUPERVISORS_GROUP).exists())
