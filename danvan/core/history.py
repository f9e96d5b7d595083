"""Which models have a per-object history page, and who may read it.

Apps register their models in ``AppConfig.ready``; the history view looks the model up
here, so a model that is not registered has no history page at all.
"""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class HistoryEntry:
    model: type[models.Model]
    perm: str  # checked with user.has_perm(perm, obj)


_REGISTRY: dict[str, HistoryEntry] = {}


def register(model: type[models.Model], *, perm: str) -> None:
    _REGISTRY[model._meta.label_lower] = HistoryEntry(model=model, perm=perm)


def lookup(label: str) -> HistoryEntry | None:
    return _REGISTRY.get(label.lower())


def changes(records: list) -> list[dict]:
    """History records newest first, each with the fields that changed from the one before."""
    rows = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        diffs = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                diffs.append({"field": field.verbose_name, "old": change.old, "new": change.new})
        rows.append({"record": record, "changes": diffs})
    return rows
