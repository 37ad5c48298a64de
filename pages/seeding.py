"""Synthetic data at a chosen size, for scale measurements and load runs (`manage.py seed_scale`).

Everyone made here is invented: emails end in @seed.example.org, all share one password, and
each authenticator secret follows from the account's number, so a load generator can sign in
as person N with a real TOTP code. Diary text goes through the real encryption (each field
sealed with its owner's id by the field's own sealer), so a large diary costs at rest what a
real one would. Never run this on a live service: it refuses a database that holds any account.

Rows are written as plain column values: with PostgreSQL's COPY (a million diary entries in a
few minutes), elsewhere with one INSERT a row in batches. Columns a row does not set get the
model's defaults, read once from an unsaved instance, so a new column with a default needs no
change here. Nothing is dropped or disabled: every index and constraint holds while rows go in.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from diary.models import DiaryEntry
from encryption.fields import EncryptedField
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


class _Table:
    """Writes rows of plain column values into a model's table; every other column gets its default.

    ``columns`` are the attnames each row gives, in order; the rest come from ``template`` (an unsaved
    instance), prepared for the database once. Encrypted columns must be given, already sealed.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str], template: models.Model | None = None):
        fields = {field.attname: field for field in model._meta.concrete_fields}
        self.given = [fields[name] for name in columns]
        rest = [field for field in fields.values() if field.attname not in columns and not field.primary_key]
        if any(isinstance(field, EncryptedField) for field in rest):
            raise ValueError(f"{model.__name__}: encrypted columns are sealed per row, so each row must give them.")
        template = model() if template is None else template
        self.defaults = tuple(field.get_db_prep_save(field.pre_save(template, True), connection) for field in rest)
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(str(field.column)) for field in [*self.given, *rest])
        self.width = len(self.given) + len(rest)

    def write(self, rows: Iterable[Sequence[Any]], *, batch: int = 2000) -> int:
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # psycopg 3 adapts dates, times, UUIDs and sealed tokens itself; rows stream to the server.
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row, *self.defaults))
                        count += 1
                return count
            sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({', '.join(['%s'] * self.width)})"  # noqa: S608
            iterator = iter(rows)
            while chunk := list(islice(iterator, batch)):
                cursor.executemany(
                    sql,
                    [
                        (
                            *(
                                field.get_db_prep_save(value, connection)
                                for field, value in zip(self.given, row, strict=True)
                            ),
                            *self.defaults,
                        )
                        for row in chunk
                    ],
                )
                count += len(chunk)
        return count


def _reserve_user_ids(count: int) -> list[int]:
    """Primary keys for ``count`` new accounts, so the rows that point at them need no read back."""
    if not count:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [User._meta.db_table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(User._meta.db_table)}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def _make_accounts(*, count: int, kind: str, password_hash: str, staff: bool, batch: int) -> list[int]:
    """Accounts 0..count-1 of a kind, each with a verified email and a confirmed authenticator."""
    ids = _reserve_user_ids(count)
    template = User(password=password_hash, role=Role.SUPPORTER if staff else Role.VICTIM, is_staff=staff)
    _Table(User, ["id", "email"], template).write(
        ((ids[n], seed_email(n, kind=kind)) for n in range(count)), batch=batch
    )
    _Table(EmailAddress, ["user_id", "email"], EmailAddress(verified=True, primary=True)).write(
        ((ids[n], seed_email(n, kind=kind)) for n in range(count)), batch=batch
    )
    _Table(TOTPDevice, ["user_id", "key"], TOTPDevice(name="default", confirmed=True, tolerance=1, last_t=-1)).write(
        ((ids[n], seed_totp_key(n, kind=kind)) for n in range(count)), batch=batch
    )
    return ids


def _entries(user_ids: list[int], total: int, today: datetime.date, report: Callable[[str], None]) -> Iterator[tuple]:
    """Entry n belongs to person n mod len(user_ids) (round robin, so each person's rows lie apart, as in life)."""
    feelings, text, note = (DiaryEntry.sealed_field(name).sealer() for name in ("feelings", "text", "helped_note"))
    dates = [today - datetime.timedelta(days=days) for days in range(730)]
    words = [" ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3)) for n in range(len(SENTENCES))]
    ticked = [FEELINGS[n : n + n] for n in range(3)]
    people = len(user_ids)
    for n in range(total):
        owner = user_ids[n % people]
        yield (
            owner,
            dates[n % 730],
            n % 5 + 1,
            feelings(owner, ticked[n % 3]),
            text(owner, words[n % 5]),
            note(owner, ""),
        )
        if (n + 1) % 100_000 == 0 and n + 1 < total:
            report(f"diary entries: {n + 1}/{total}")


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

    Only on a database without accounts (never a live one), so the numbers stay unique. All or
    nothing: one transaction, then (on PostgreSQL) ANALYZE, so the planner knows the new sizes.
    """
    if User.objects.exists():
        raise ValueError("This database already has accounts: seed_scale only fills an empty one.")
    counts = SeedCounts()
    # One hash for everyone: hashing is deliberately slow, and every seeded account shares the password.
    password_hash = make_password(SEED_PASSWORD)
    with transaction.atomic():
        user_ids = _make_accounts(count=users, kind="person", password_hash=password_hash, staff=False, batch=batch)
        counts.users = len(user_ids)
        report(f"people: {counts.users}/{users}")
        if caseworkers:
            group, _ = Group.objects.get_or_create(name=CASEWORKERS_GROUP)
            staff = _make_accounts(
                count=caseworkers, kind="caseworker", password_hash=password_hash, staff=True, batch=batch
            )
            group.user_set.add(*staff)
            counts.caseworkers = len(staff)
        if user_ids:
            columns = ["owner_id", "date", "mood", "feelings", "text", "helped_note"]
            counts.entries = _Table(DiaryEntry, columns).write(
                _entries(user_ids, entries, timezone.localdate(), report), batch=batch
            )
            report(f"diary entries: {counts.entries}/{entries}")
            counts.progress = _seed_progress(user_ids=user_ids, total=progress, batch=batch)
            report(f"guide progress: {counts.progress}")
            counts.requests = _seed_requests(user_ids=user_ids, total=requests, batch=batch)
            report(f"requests: {counts.requests}")
    if connection.vendor == "postgresql":
        tables = [
            model._meta.db_table
            for model in (User, EmailAddress, TOTPDevice, DiaryEntry, GuideProgress, SupportRequest)
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(table) for table in tables)}")
        report("analysed")
    return counts


def _seed_progress(*, user_ids: list[int], total: int, batch: int) -> int:
    guides = list(Guide.objects.published().order_by("pk"))  # type: ignore[attr-defined]
    if not guides:
        return 0
    first_steps = {step.guide_id: step.pk for step in Step.objects.filter(guide__in=guides).order_by("-order")}
    total = min(total, len(user_ids) * len(guides))
    people = len(user_ids)
    return _Table(GuideProgress, ["user_id", "guide_id", "current_step_id"]).write(
        ((user_ids[n % people], guides[n // people].pk, first_steps.get(guides[n // people].pk)) for n in range(total)),
        batch=batch,
    )


def _seed_requests(*, user_ids: list[int], total: int, batch: int) -> int:
    statuses = [RequestStatus.NEW, RequestStatus.NEW, RequestStatus.CLAIMED, RequestStatus.CLOSED]
    now = timezone.now()
    template = SupportRequest(
        contact_method=ContactMethod.PHONE, phone="07700900982", voicemail_safe=False, safe_times=["any"]
    )
    columns = [
        "kind",
        "user_id",
        "name",
        "submission_token",
        "status",
        "closing_outcome",
        "closed_at",
        "priority",
        "created_at",
    ]

    def row(n: int) -> tuple:
        status = statuses[n % len(statuses)]
        closed = status == RequestStatus.CLOSED
        return (
            (RequestKind.CASEWORKER if n % 3 else RequestKind.OUT_OF_HOURS).value,
            user_ids[n % len(user_ids)],
            f"Person {n}",
            uuid.uuid4(),
            status.value,
            "supported" if closed else "",
            now if closed else None,
            n % 3,
            now - datetime.timedelta(minutes=n),
        )

    return _Table(SupportRequest, columns, template).write((row(n) for n in range(total)), batch=batch)
