"""Writing that arrives after the session ended is kept, sealed, until the person signs in again.

Every diary form carries ``keeper``: a signed token naming the person it was shown to. When
such a form is posted without a verified session (the idle timeout ended it, or the tab slept),
the posted fields are sealed with AES-256-GCM under a new random key; the sealed bytes are kept
in ``KeptDraft`` for that person for ``DIARY_KEEP_DRAFT_HOURS``, and the key goes back only to
that browser, in an HttpOnly cookie. After the person signs in again, the form page opens the
draft with the cookie's key, puts the writing back into the form and deletes the draft.

Neither half reads anything alone: the table holds no key (not even the diary keyring opens a
draft), and the cookie holds no text and is only used for the signed-in owner. Staff have
neither. Quick exit clears the site's cookies, which leaves any kept draft unreadable until it
expires.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from diary.models import KeptDraft

# "key" in the name keeps its value out of error reports (Django hides cookies whose names say KEY).
COOKIE = "diary_kept_key"
KEEPER_FIELD = "keeper"
NEW_ENTRY = "new"
_SALT = "diary.drafts.keeper"
_KEPT_FIELDS = (
    "date",
    "mood",
    "feelings",
    "other_feelings",
    "text",
    "helped",
    "helped_note",
    "version",
    "submission_id",
)
_MAX_BYTES = 256 * 1024
_MAX_PER_OWNER = 5


@dataclass(frozen=True)
class Kept:
    draft_id: uuid.UUID
    target: str
    data: QueryDict

    @property
    def url(self) -> str:
        if self.target == NEW_ENTRY:
            return reverse("diary:entry-new")
        return reverse("diary:entry-edit", kwargs={"pk": int(self.target)})


def _lifetime() -> timedelta:
    return timedelta(hours=settings.DIARY_KEEP_DRAFT_HOURS)


def keeper_token(user: Any) -> str:
    return signing.dumps(user.pk, salt=_SALT)


def owner_of(token: str) -> int | None:
    try:
        owner_id = signing.loads(token, salt=_SALT, max_age=_lifetime())
    except signing.BadSignature:
        return None
    return owner_id if isinstance(owner_id, int) else None


def _aad(draft_id: uuid.UUID, owner_id: int) -> bytes:
    return f"diary-draft:{draft_id}:{owner_id}".encode()


@sensitive_variables()
def keep(response: HttpResponse, *, owner_id: int, target: str, data: QueryDict) -> bool:
    """Seal what was posted for ``owner_id`` and give this browser the key. False if nothing was kept."""
    payload = {"target": target, "fields": {name: data.getlist(name) for name in _KEPT_FIELDS if name in data}}
    raw = json.dumps(payload, ensure_ascii=False).encode()
    if len(raw) > _MAX_BYTES or not get_user_model().objects.filter(pk=owner_id).exists():
        return False
    key = AESGCM.generate_key(bit_length=256)
    draft_id = uuid.uuid4()
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(key).encrypt(nonce, raw, _aad(draft_id, owner_id))
    now = timezone.now()
    KeptDraft.objects.filter(expires_at__lte=now).delete()
    KeptDraft.objects.create(
        id=draft_id, owner_id=owner_id, sealed=sealed, created_at=now, expires_at=now + _lifetime()
    )
    older = KeptDraft.objects.filter(owner_id=owner_id).order_by("-created_at").values_list("pk", flat=True)
    KeptDraft.objects.filter(pk__in=list(older[_MAX_PER_OWNER:])).delete()
    response.set_cookie(
        COOKIE,
        f"{draft_id.hex}.{base64.urlsafe_b64encode(key).decode()}",
        max_age=int(_lifetime().total_seconds()),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return True


def _cookie(request: HttpRequest) -> tuple[uuid.UUID, bytes] | None:
    value = request.COOKIES.get(COOKIE, "")
    draft_hex, _, key_text = value.partition(".")
    try:
        draft_id = uuid.UUID(hex=draft_hex)
        key = base64.urlsafe_b64decode(key_text)
    except (ValueError, binascii.Error):
        return None
    return (draft_id, key) if len(key) == 32 else None


@sensitive_variables()
def find(request: HttpRequest) -> Kept | None:
    """The draft this browser kept for the signed-in person, if there is one."""
    cookie = _cookie(request)
    if cookie is None or not request.user.is_authenticated:
        return None
    draft_id, key = cookie
    row = KeptDraft.objects.filter(pk=draft_id, owner=request.user, expires_at__gt=timezone.now()).first()
    if row is None:
        return None
    sealed = bytes(row.sealed)
    try:
        raw = AESGCM(key).decrypt(sealed[:12], sealed[12:], _aad(draft_id, request.user.pk))
    except InvalidTag:
        return None
    payload = json.loads(raw)
    data = QueryDict(mutable=True)
    for name, values in payload["fields"].items():
        data.setlist(name, values)
    return Kept(draft_id=draft_id, target=str(payload["target"]), data=data)


def forget(request: HttpRequest, response: HttpResponse) -> None:
    """Delete this browser's kept draft, once its writing is back in a form or saved."""
    cookie = _cookie(request)
    if cookie is not None and request.user.is_authenticated:
        KeptDraft.objects.filter(pk=cookie[0], owner=request.user).delete()
    if COOKIE in request.COOKIES:
        response.delete_cookie(COOKIE, samesite="Lax")
