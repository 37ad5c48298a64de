"""The partner organisations directory: loading the shipped list, and the needs it is sorted by."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from referrals.models import Area, Need, Organisation

# The needs an organisation can meet, in the order the directory's filter lists them.
NEEDS = [
    ("domestic-abuse", "Domestic abuse"),
    ("stalking", "Stalking and harassment"),
    ("hate-crime", "Hate crime"),
    ("fraud-and-scams", "Fraud and scams"),
    ("sexual-violence", "Sexual violence and abuse"),
    ("online-harm", "Online harm"),
    ("mental-health", "Mental health"),
    ("bereavement", "Bereavement"),
    ("young-people", "Young people"),
    ("older-people", "Older people"),
    ("disability", "Disability"),
    ("lgbtq", "LGBTQ+ people"),
    ("money-and-debt", "Money and debt"),
    ("housing", "Housing"),
    ("legal-advice", "Legal advice"),
]

_TEXT_FIELDS = ["name", "summary", "phone", "text", "email", "website", "opening_hours"]


def sync_needs() -> dict[str, Need]:
    needs = {}
    for order, (slug, name) in enumerate(NEEDS):
        need, _ = Need.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})
        needs[slug] = need
    return needs


@transaction.atomic
def load_partners(path: Path) -> tuple[int, int]:
    """Add or update each organisation by its slug. A bad entry stops the whole load, naming the entry."""
    with path.open("rb") as file:
        entries: list[dict[str, Any]] = tomllib.load(file).get("organisation", [])
    needs = sync_needs()
    created = updated = 0
    for entry in entries:
        slug = entry.get("slug", "")
        unknown = [need for need in entry.get("needs", []) if need not in needs]
        if unknown:
            raise ValidationError(f"{path.name}: {slug}: unknown needs {unknown}")
        if entry.get("area", "national") not in Area.values:
            raise ValidationError(f"{path.name}: {slug}: unknown area {entry.get('area')!r}")
        organisation = Organisation.objects.filter(slug=slug).first() or Organisation(slug=slug)
        is_new = organisation.pk is None
        for field in _TEXT_FIELDS:
            setattr(organisation, field, entry.get(field, "") or "")
        organisation.area = entry.get("area", "national")
        try:
            organisation.full_clean(exclude=["needs", "is_published", "last_checked"])
        except ValidationError as error:
            raise ValidationError(f"{path.name}: {slug}: {error.messages}") from None
        organisation.save()
        organisation.needs.set([needs[need] for need in entry.get("needs", [])])
        created += is_new
        updated += not is_new
    return created, updated
