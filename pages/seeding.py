"""Synthetic data at a chosen size, for scale measurements and load runs (`manage.py seed_scale`).

Everyone made here is invented: emails end in @seed.example.org, all share one password, and
each authenticator secret follows from the account's number, so a load generator can sign in
as person N with a real TOTP code. Diary text goes through the real encryption (each batch is
sealed as ``bulk_create`` saves it), so a large diary costs at rest what a real one would.
Never run this on a live service: it refuses a database that holds any account of its own.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from diary.models import DiaryEntry
from guides.models import Guide, GuideProgress, Step
from pages.seed_codes import SEED_PASSWORD, seed_email, seed_totp_key
from referrals.models import CASEWORKERS_GROUP, ContactMethod, RequestKind, RequestStatus, SupportRequest

FEELINGS = ["Calm", "Hopeful", "Tired", "Anxious", "Sad", "Safe"]
SENTENCES = [
    "Slept badly and felt on edge most of the morning.",
    "Went for a walk at lunch, which helped a little.",
    "Talked to my sister about what happened.",
    "The letter from the police came today.",
    "Tried the breathing exercise before bed.",
]


@dataclass
class SeedCounts:
    users: int = 0
    caseworkers: int = 0
    entries: int = 0
    progress: int = 0
    requests: int = 0


def _batches(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(total, start + size))


def _make_accounts(*, numbers: range, kind: str, password_hash: str, staff: bool) -> list[User]:
    users = User.objects.bulk_create(
        User(
            email=seed_email(n, kind=kind),
            password=password_hash,
            role=Role.VICTIM if not staff else Role.SUPPORTER,
            is_staff=staff,
        )
        for n in numbers
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    TOTPDevice.objects.bulk_create(
        TOTPDevice(
            user=user,
            name="default",
            key=seed_totp_key(n, kind=kind),
            confirmed=True,
            tolerance=1,
            last_t=-1,
        )
        for n, user in zip(numbers, users, strict=True)
    )
    return users


def _entry(owner_id: int, n: int, today: datetime.date) -> DiaryEntry:
    return DiaryEntry(
        owner_id=owner_id,
        date=today - datetime.timedelta(days=n % 730),
        mood=n % 5 + 1,
        feelings=FEELINGS[n % 3 : n % 3 + n % 3],
        text=" ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3)),
    )


def seed_scale(
    *,
    users: int,
    entries: int,
    progress: int,
    requests: int,
    caseworkers: int = 2,
    batch: int = 2000,
    report: Callable[[str], None] = lambda _: None,
) -> SeedCounts:
    """Add ``users`` people (numbered from 0) with ``entries`` diary entries between them, round robin.

    Only on a database without accounts (never a live one), so the numbers stay unique.
    """
    if User.objects.exists():
        raise ValueError("This database already has accounts: seed_scale only fills an empty one.")
    counts = SeedCounts()
    password_hash = make_password(SEED_PASSWORD)
    user_ids: list[int] = []
    for numbers in _batches(users, batch):
        with transaction.atomic():
            user_ids += [
                user.pk
                for user in _make_accounts(numbers=numbers, kind="person", password_hash=password_hash, staff=False)
            ]
        counts.users = len(user_ids)
        report(f"people: {counts.users}/{users}")
    if caseworkers:
        group, _ = Group.objects.get_or_create(name=CASEWORKERS_GROUP)
        staff = _make_accounts(numbers=range(caseworkers), kind="caseworker", password_hash=password_hash, staff=True)
        group.user_set.add(*staff)
        counts.caseworkers = len(staff)
    today = timezone.localdate()
    if user_ids:
        for numbers in _batches(entries, batch):
            # Sealed here, one token per field, as the batch is saved.
            DiaryEntry.objects.bulk_create(_entry(user_ids[n % len(user_ids)], n, today) for n in numbers)
            counts.entries = numbers.stop
            if numbers.stop % (batch * 25) == 0 or numbers.stop == entries:
                report(f"diary entries: {counts.entries}/{entries}")
        counts.progress = _seed_progress(user_ids=user_ids, total=progress, batch=batch)
        report(f"guide progress: {counts.progress}")
        counts.requests = _seed_requests(user_ids=user_ids, total=requests, batch=batch)
        report(f"requests: {counts.requests}")
    return counts


def _seed_progress(*, user_ids: list[int], total: int, batch: int) -> int:
    guides = list(Guide.objects.published().order_by("pk"))  # type: ignore[attr-defined]
    if not guides:
        return 0
    first_steps = {step.guide_id: step for step in Step.objects.filter(guide__in=guides).order_by("-order")}
    total = min(total, len(user_ids) * len(guides))
    for numbers in _batches(total, batch):
        GuideProgress.objects.bulk_create(
            GuideProgress(
                user_id=user_ids[n % len(user_ids)],
                guide=guides[n // len(user_ids)],
                current_step=first_steps.get(guides[n // len(user_ids)].pk),
            )
            for n in numbers
        )
    return total


def _seed_requests(*, user_ids: list[int], total: int, batch: int) -> int:
    statuses = [RequestStatus.NEW, RequestStatus.NEW, RequestStatus.CLAIMED, RequestStatus.CLOSED]
    now = timezone.now()
    for numbers in _batches(total, batch):
        SupportRequest.objects.bulk_create(
            SupportRequest(
                kind=RequestKind.CASEWORKER if n % 3 else RequestKind.OUT_OF_HOURS,
                user_id=user_ids[n % len(user_ids)],
                name=f"Person {n}",
                contact_method=ContactMethod.PHONE,
                phone="07700900982",
                voicemail_safe=False,
                safe_times=["any"],
                submission_token=uuid.uuid4(),
                status=statuses[n % len(statuses)],
                closing_outcome="supported" if statuses[n % len(statuses)] == RequestStatus.CLOSED else "",
                closed_at=now if statuses[n % len(statuses)] == RequestStatus.CLOSED else None,
                priority=n % 3,
                created_at=now - datetime.timedelta(minutes=n),
            )
            for n in numbers
        )
    return total
