from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from diary import crypto
from diary.fields import EncryptedField
from diary.models import DiaryEntry, FeelingsList

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt every diary value under the newest key in DIARY_KEYRING. Afterwards older keys "
        "can be removed from the keyring. Safe to run again: values already under the newest key are left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        keyring = crypto.keyring()
        for model in (DiaryEntry, FeelingsList):
            fields = [field for field in model._meta.concrete_fields if isinstance(field, EncryptedField)]
            changed = 0
            pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    rows = model.objects.select_for_update().filter(pk__in=pks[start : start + BATCH])
                    for row in rows.values("pk", "owner_id", *(field.attname for field in fields)):
                        updates = {
                            field.attname: field.seal_for(
                                row["owner_id"], field.open_for(row["owner_id"], row[field.attname])
                            )
                            for field in fields
                            if row[field.attname] is not None
                            and crypto.key_id_of(row[field.attname]) != keyring.current_id
                        }
                        if updates:
                            model.objects.filter(pk=row["pk"]).update(**updates)
                            changed += 1
            self.stdout.write(
                f"{model._meta.verbose_name_plural}: {changed} re-encrypted under key {keyring.current_id}."
            )
