from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from encryption import crypto
from encryption.fields import EncryptedField

BATCH = 500


def encrypted_models() -> list[tuple[type[models.Model], list[EncryptedField]]]:
    """Every model with encrypted fields (diary entries, feelings lists, chat messages...)."""
    found = []
    for model in apps.get_models():
        fields = [field for field in model._meta.concrete_fields if isinstance(field, EncryptedField)]
        if fields:
            found.append((model, fields))
    return found


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (diary and chat) under the newest key in DIARY_KEYRING. Afterwards "
        "older keys can be removed from the keyring. Safe to run again: values already under the newest key "
        "are left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        keyring = crypto.keyring()
        for model, fields in encrypted_models():
            # Every encrypted field of a model is bound to the same owner column.
            owner = f"{fields[0].owner_field}_id"
            changed = 0
            pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    rows = model._default_manager.select_for_update().filter(pk__in=pks[start : start + BATCH])
                    for row in rows.values("pk", owner, *(field.attname for field in fields)):
                        updates = {
                            field.attname: field.seal_for(row[owner], field.open_for(row[owner], row[field.attname]))
                            for field in fields
                            if row[field.attname] is not None
                            and crypto.key_id_of(row[field.attname]) != keyring.current_id
                        }
                        if updates:
                            model._default_manager.filter(pk=row["pk"]).update(**updates)
                            changed += 1
            self.stdout.write(
                f"{model._meta.verbose_name_plural}: {changed} re-encrypted under key {keyring.current_id}."
            )
