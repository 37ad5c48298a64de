"""The partner organisations directory: loading the shipped list, and the needs it is sorted by."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from guides import catalogue
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
def load_partners(path: Path) -> tuple[int, int, int]:
    """Add or update each organisation by its slug: (added, updated, unchanged).

    A bad entry stops the whole load, naming the entry. What editors decide in the admin
    (whether it is shown, when it was last checked) is left alone.
    """
    with path.open("rb") as file:
        entries: list[dict[str, Any]] = tomllib.load(file).get("organisation", [])
    needs = sync_needs()
    added = updated = unchanged = 0
    for entry in entries:
        slug = entry.get("slug", "")
        unknown = [need for need in entry.get("needs", []) if need not in needs]
        if unknown:
            raise ValidationError(f"{path.name}: {slug}: unknown needs {unknown}")
        if entry.get("area", "national") not in Area.values:
            raise ValidationError(f"{path.name}: {slug}: unknown area {entry.get('area')!r}")
        organisation = Organisation.objects.filter(slug=slug).first() or Organisation(slug=slug)
        wanted = {field: entry.get(field, "") or "" for field in _TEXT_FIELDS} | {"area": entry.get("area", "national")}
        wanted_needs = {needs[need].pk for need in entry.get("needs", [])}
        if (
            organisation.pk is not None
            and all(getattr(organisation, k) == v for k, v in wanted.items())
            and (set(organisation.needs.values_list("pk", flat=True)) == wanted_needs)
        ):
            unchanged += 1
            continue
        is_new = organisation.pk is None
        for field, value in wanted.items():
            setattr(organisation, field, value)
        try:
            organisation.full_clean(exclude=["needs", "is_published", "last_checked"])
        except ValidationError as error:
            raise ValidationError(f"{path.name}: {slug}: {error.messages}") from None
        organisation.save()
        organisation.needs.set(wanted_needs)
        added += is_new
        updated += not is_new
    return added, updated, unchanged


@receiver(post_save, sender=Organisation)
@receiver(post_delete, sender=Organisation)
@receiver(post_save, sender=Need)
@receiver(post_delete, sender=Need)
@receiver(m2m_changed, sender=Organisation.needs.through)
def _on_directory_changed(**kwargs: Any) -> None:
    """The directory's pages are kept per process (referrals.views.directory): every process draws them again."""
    catalogue.content_changed()
