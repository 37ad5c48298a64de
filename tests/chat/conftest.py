"""Chat fixtures: a fixed keyring, supporters (bob, and dana for transfers), a supervisor, and a visitor."""

from __future__ import annotations

import base64
import importlib
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from chat import services
from chat.models import CHAT_SUPERVISORS_GROUP, CHAT_SUPPORTERS_GROUP, Conversation
from tests.factories import make_user, signed_in_client

KEYRING = "chat:" + base64.urlsafe_b64encode(bytes(range(100, 132))).decode()
VISITOR_ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def chat_keyring(settings: Any) -> str:
    settings.DIARY_KEYRING = KEYRING
    return KEYRING


@pytest.fixture(autouse=True)
def chat_groups_and_lists(db: None) -> None:
    """What the data migration ships (groups, outcomes, canned responses), made again for each test:
    a transactional test empties the tables, and a reused test database keeps them empty."""
    from django.apps import apps

    shipped_data_migration().create(apps, None)


def shipped_data_migration() -> Any:
    return importlib.import_module("chat.migrations.0002_groups_outcomes_and_canned_responses")


def make_supporter(email: str, *, group: str = CHAT_SUPPORTERS_GROUP, available: bool = True) -> Any:
    user = make_user(email, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    if available:
        services.set_availability(supporter=user, available=True)
    return user


@pytest.fixture
def supporter(db: None) -> Any:
    """bob, a trained chat supporter, available."""
    return make_supporter("bob@example.org")


@pytest.fixture
def supporter_client(supporter: Any) -> Client:
    return signed_in_client(supporter)


@pytest.fixture
def dana(db: None) -> Any:
    """Another supporter, for transfers."""
    return make_supporter("dana@example.org")


@pytest.fixture
def supervisor(db: None) -> Any:
    return make_supporter("sue@example.org", group=CHAT_SUPERVISORS_GROUP, available=False)


def start(
    nickname: str = "Sam", *, at_risk: bool = False, address: str = VISITOR_ADDRESS, **extra: Any
) -> Conversation:
    return services.start_chat(nickname=nickname, at_risk=at_risk, address=address, **extra)


def visitor_client(conversation: Conversation) -> Client:
    """A browser (no account) whose session holds the chat, as after the pre-chat form."""
    client = Client()
    session = client.session
    session[services.VISITOR_SESSION_KEY] = conversation.visitor_token
    session.save()
    return client
