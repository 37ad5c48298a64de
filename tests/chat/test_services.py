"""The chat's domain: starting, the queue, limits, messages, ending, transfer, blocking, retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from chat import services
from chat.models import AuditAction, AuditEntry, Block, Conversation, EndReason, Message, State, WrapUp
from chat.services import ChatError
from tests.chat.conftest import make_supporter, start


def _raw_text(message: Message) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM chat_message WHERE id = %s", [message.pk])
        return cursor.fetchone()[0]


# --- Starting and the queue ---


def test_nobody_can_start_when_no_supporter_is_available(db: None) -> None:
    with pytest.raises(ChatError) as raised:
        start()
    assert raised.value.code == "nobody"
    assert not Conversation.objects.exists()


def test_at_risk_visitors_go_first_then_the_longest_wait(supporter: Any) -> None:
    first = start("First")
    second = start("Second")
    at_risk = start("Unsafe", at_risk=True)
    assert [services.queue_position(c) for c in (at_risk, first, second)] == [1, 2, 3]
    assert list(Conversation.objects.in_queue_order()) == [at_risk, first, second]
    taken = services.take_next_chat(supporter=supporter)
    assert taken == at_risk
    first.refresh_from_db()
    assert services.queue_position(first) == 1


def test_a_supporter_holds_at_most_the_configured_number_of_chats(supporter: Any, settings: Any) -> None:
    settings.CHAT_MAX_CHATS_PER_SUPPORTER = 2
    for name in ("A", "B", "C"):
        start(name)
    services.take_next_chat(supporter=supporter)
    services.take_next_chat(supporter=supporter)
    with pytest.raises(ChatError) as raised:
        services.take_next_chat(supporter=supporter)
    assert raised.value.code == "limit"
    assert Conversation.objects.waiting().count() == 1


def test_the_wait_estimate_comes_from_free_places_and_recent_chat_length(supporter: Any, settings: Any) -> None:
    settings.CHAT_MAX_CHATS_PER_SUPPORTER = 1
    now = timezone.now()
    done = Conversation.objects.create(
        visitor_token="old", nickname="Old", state=State.ENDED, accepted_at=now - timedelta(minutes=20), ended_at=now
    )
    assert services.typical_chat_minutes() == pytest.approx(20)
    busy = start("Busy")
    services.take_next_chat(supporter=supporter)
    waiting = [start(f"W{i}") for i in range(3)]
    assert busy.pk and done.pk
    # One place, taken: the third in the queue waits for three chats of about 20 minutes.
    assert services.estimated_wait_minutes(position=3) == 60
    assert services.queue_state(waiting[0])["position"] == 1
    assert services.describe_wait(1) == "about a minute"
    assert services.describe_wait(23) == "about 25 minutes"
    assert services.describe_wait(None).startswith("We cannot say")


def test_a_waiting_visitor_who_has_gone_leaves_the_queue(supporter: Any, settings: Any) -> None:
    settings.CHAT_WAITING_TIMEOUT_MINUTES = 10
    gone = start("Gone")
    Conversation.objects.filter(pk=gone.pk).update(visitor_seen_at=timezone.now() - timedelta(minutes=11))
    here = start("Here")
    assert services.take_next_chat(supporter=supporter) == here
    gone.refresh_from_db()
    assert (gone.state, gone.end_reason) == (State.ENDED, EndReason.TIMED_OUT)


# --- Messages ---


def test_messages_are_numbered_and_a_reconnect_gets_only_what_came_after(supporter: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    services.send_visitor_message(conversation=conversation, text="Hello")
    services.send_supporter_message(conversation=conversation, supporter=supporter, text="Hi Sam")
    services.send_visitor_message(conversation=conversation, text="Thanks")
    all_seqs = [m.seq for m in services.messages_after(conversation, 0)]
    assert all_seqs == [1, 2, 3, 4]  # 1 is "a supporter has joined"
    assert [m.text for m in services.messages_after(conversation, 2)] == ["Hi Sam", "Thanks"]


def test_message_text_is_encrypted_at_rest(supporter: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    message = services.send_visitor_message(conversation=conversation, text="Marmalade-Zeppelin-4417")
    raw = _raw_text(message)
    assert raw.startswith("v1:chat:") and "Marmalade" not in raw
    assert Message.objects.get(pk=message.pk).text == "Marmalade-Zeppelin-4417"


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001, None, 42])
def test_empty_too_long_or_odd_messages_are_refused_and_not_stored(supporter: Any, text: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    with pytest.raises(ChatError):
        services.send_visitor_message(conversation=conversation, text=text)
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_a_message_of_exactly_the_limit_is_kept(supporter: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    assert len(services.send_visitor_message(conversation=conversation, text="x" * 2000).text) == 2000


def test_nobody_can_write_before_a_supporter_joins_or_into_another_supporters_chat(supporter: Any, dana: Any) -> None:
    conversation = start()
    with pytest.raises(ChatError):
        services.send_visitor_message(conversation=conversation, text="Hello?")
    services.take_next_chat(supporter=supporter)
    with pytest.raises(ChatError):
        services.send_supporter_message(conversation=conversation, supporter=dana, text="Hello")


def test_the_other_side_hears_of_a_message_only_after_commit(
    supporter: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(conversation.group_name, channel)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.send_visitor_message(conversation=conversation, text="Never sent")
            raise RuntimeError
        assert callbacks == []
        services.send_visitor_message(conversation=conversation, text="Sent")
    received = async_to_sync(layer.receive)(channel)
    assert received["event"]["text"] == "Sent"
    assert [m.text for m in services.messages_after(conversation, 1)] == ["Sent"]


def test_a_supporter_is_set_away_only_when_no_console_opened_since_their_last_one_closed(supporter: Any) -> None:
    services.console_opened(supporter=supporter)
    services.console_opened(supporter=supporter)  # the console and a chat page
    assert services.console_closed(supporter=supporter) is None  # one is still open
    closed_at = services.console_closed(supporter=supporter)
    assert closed_at is not None
    # A page change or a reconnect within the grace period: a console opens again.
    services.console_opened(supporter=supporter)
    assert not services.away_if_consoles_closed(supporter=supporter, closed_at=closed_at)
    later = services.console_closed(supporter=supporter)
    assert later is not None
    # The first close's timer finds a later close: that one's timer decides.
    assert not services.away_if_consoles_closed(supporter=supporter, closed_at=closed_at)
    assert services.availability().supporters_available == 1
    assert services.away_if_consoles_closed(supporter=supporter, closed_at=later)
    assert services.availability().supporters_available == 0
    with pytest.raises(ChatError):
        start()


# --- Ending, quick exit, transfer, blocking ---


def test_quick_exit_ends_the_chat_with_its_own_reason(supporter: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    assert services.end_chat_on_quick_exit(visitor_token=conversation.visitor_token)
    conversation.refresh_from_db()
    assert (conversation.state, conversation.end_reason) == (State.ENDED, EndReason.QUICK_EXIT)
    last = services.messages_after(conversation, 0)[-1]
    assert last.text == "Left using quick exit: do not try to contact them."
    # Ending twice does nothing more.
    assert not services.end_chat_on_quick_exit(visitor_token=conversation.visitor_token)
    assert not services.end_chat_on_quick_exit(visitor_token=None)


def test_transfer_moves_the_chat_and_its_history_to_an_available_supporter(supporter: Any, dana: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    services.send_visitor_message(conversation=conversation, text="Before")
    assert services.transfer_candidates(supporter=supporter) == [dana]
    services.transfer_chat(conversation=conversation, supporter=supporter, to=dana)
    conversation.refresh_from_db()
    assert conversation.supporter == dana
    services.send_supporter_message(conversation=conversation, supporter=dana, text="After")
    with pytest.raises(ChatError):
        services.send_supporter_message(conversation=conversation, supporter=supporter, text="Still here?")
    assert "Before" in [m.text for m in services.messages_after(conversation)]
    assert AuditEntry.objects.filter(conversation=conversation, action=AuditAction.TRANSFERRED).exists()


def test_transfer_refuses_a_supporter_who_is_away(supporter: Any, dana: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    services.set_availability(supporter=dana, available=False)
    with pytest.raises(ChatError):
        services.transfer_chat(conversation=conversation, supporter=supporter, to=dana)


def test_a_blocked_address_cannot_start_a_chat_for_24_hours(supporter: Any) -> None:
    conversation = start(address="198.51.100.9")
    services.take_next_chat(supporter=supporter)
    block = services.block_visitor(conversation=conversation, supporter=supporter)
    assert block is not None
    assert "198.51.100.9" not in block.address_hash and len(block.address_hash) == 40
    conversation.refresh_from_db()
    assert conversation.end_reason == EndReason.BLOCKED
    with pytest.raises(ChatError) as raised:
        start(address="198.51.100.9")
    assert raised.value.code == "blocked"
    start(address="198.51.100.10")
    later = timezone.now() + timedelta(hours=24, minutes=1)
    assert not services.is_blocked(address="198.51.100.9", now=later)


def test_the_wrap_up_needs_an_ended_chat_and_keeps_notes_encrypted(supporter: Any) -> None:
    from chat.models import Referral, WrapUpOutcome

    conversation = start()
    services.take_next_chat(supporter=supporter)
    outcome = WrapUpOutcome.objects.first()
    assert outcome is not None
    with pytest.raises(ChatError):
        services.wrap_up_chat(conversation=conversation, supporter=supporter, outcome=outcome, referral=Referral.NONE)
    services.end_chat(conversation=conversation, reason=EndReason.SUPPORTER_ENDED, by=supporter)
    services.wrap_up_chat(
        conversation=conversation, supporter=supporter, outcome=outcome, referral=Referral.NONE, notes="Calm by the end"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM chat_wrapup")
        assert "Calm" not in cursor.fetchone()[0]
    assert WrapUp.objects.get().notes == "Calm by the end"


# --- Retention ---


def test_purge_deletes_old_transcripts_and_blocks_and_is_safe_to_run_twice(supporter: Any, settings: Any) -> None:
    settings.CHAT_RETENTION_DAYS = 90
    old = start("Old")
    services.take_next_chat(supporter=supporter)
    services.send_visitor_message(conversation=old, text="Long ago")
    services.block_visitor(conversation=old, supporter=supporter)
    long_ago = timezone.now() - timedelta(days=91)
    Conversation.objects.filter(pk=old.pk).update(created_at=long_ago)
    Block.objects.update(created_at=long_ago, expires_at=long_ago + timedelta(hours=24))
    recent = start("Recent", address="192.0.2.1")
    call_command("purge_chats", verbosity=0)
    assert list(Conversation.objects.all()) == [recent]
    assert not Message.objects.filter(conversation_id=old.pk).exists()
    assert not Block.objects.exists()
    # The audit trail names only staff, and stays.
    assert AuditEntry.objects.filter(reference=old.reference).exists()
    call_command("purge_chats", verbosity=0)
    assert list(Conversation.objects.all()) == [recent]


def test_only_chat_supporters_can_make_themselves_available(bob: Any) -> None:
    with pytest.raises(ChatError):
        services.set_availability(supporter=bob, available=True)
    make_supporter("carol@example.org")


def test_the_data_migration_ships_the_groups_outcomes_and_canned_responses_and_is_safe_to_repeat() -> None:
    from django.apps import apps
    from django.contrib.auth.models import Group

    from chat.models import CannedResponse, WrapUpOutcome
    from tests.chat.conftest import shipped_data_migration

    Group.objects.filter(name__in=["Chat supporters", "Chat supervisors"]).delete()
    WrapUpOutcome.objects.all().delete()
    CannedResponse.objects.all().delete()
    shipped_data_migration().create(apps, None)
    shipped_data_migration().create(apps, None)
    assert Group.objects.filter(name__in=["Chat supporters", "Chat supervisors"]).count() == 2
    assert WrapUpOutcome.objects.count() == 7
    titles = set(CannedResponse.objects.values_list("title", flat=True))
    assert {"Greeting", "Checking in after silence", "In danger: call 999", "Confidentiality", "Signposting"} <= titles
