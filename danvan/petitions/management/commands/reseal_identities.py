"""Re-encrypt every sealed personal field with the first key of DANVAN_FIELD_KEYS.

Rotate a key: put the new key first in DANVAN_FIELD_KEYS, keep the old one after it, run
this command, then drop the old key.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from danvan.core.crypto import blind_index
from danvan.petitions.models import IDENTITY_FIELDS, Letter, Reception

BATCH = 1000


class Command(BaseCommand):
    help = "Re-encrypt citizens' identities with the first key of DANVAN_FIELD_KEYS."

    def handle(self, *args, **options):
        total = 0
        for model, fields in (
            (Letter, [*IDENTITY_FIELDS, "citizen_id_index"]),
            (Reception, ["citizen_name", "citizen_address"]),
        ):
            pks = list(model.objects.values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    rows = list(
                        model.objects.filter(pk__in=pks[start : start + BATCH]).only("pk", *fields)
                    )
                    # Reading decrypts with any key; saving encrypts with the first. The blind
                    # index of the ID number is keyed too, so it is recomputed.
                    for row in rows:
                        if model is Letter:
                            row.citizen_id_index = blind_index(row.citizen_id_number or "")
                    model.objects.bulk_update(rows, fields)
                total += len(rows)
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} rows."))
