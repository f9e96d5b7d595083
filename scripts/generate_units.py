"""Generate ``danvan/orgs/data/units.json`` from the ``vietnam-provinces`` package.

The data file lists Vietnamese administrative units in two generations:

* current two-tier units (since 2025-07-01): 34 provinces (keys ``P{code}``) and
  3,321 communes -- xã, phường, đặc khu -- (keys ``C{code}``);
* legacy three-level units (until 2025-06-30): 63 provinces (``LP{code}``), districts
  (``LD{code}``) and communes -- xã, phường, thị trấn -- (``LC{code}``);

plus ``successions`` (legacy province -> current province, legacy commune -> current
commune, all dated 2025-07-01) taken from the package's 2025 conversion tables.

The package requires Python 3.12 but works on 3.11; it is *not* a project dependency.
Run this script from the repository root with a throwaway virtualenv::

    python3 -m venv /tmp/vpenv
    /tmp/vpenv/bin/pip install --ignore-requires-python vietnam-provinces==2026.9.0
    /tmp/vpenv/bin/python scripts/generate_units.py

Names come from the package's Python objects (data as of its ``__data_version__``,
2026-09-20), which reflect later renames of current units -- e.g. "Thành phố Quảng Ninh",
"Thành phố Bắc Ninh", "Thành phố Đồng Nai" -- while the package's bundled JSON files still
say "Tỉnh ...". Each unit has one name; no name history is recorded.

The output is deterministic: re-running it with the same package version produces a
byte-identical file. Only the standard library and ``vietnam_provinces`` are used (no
Django).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import vietnam_provinces
from vietnam_provinces import Province, Ward, legacy

PACKAGE_VERSION = "2026.9.0"
EFFECTIVE_DATE = "2025-07-01"
LEGACY_VALID_TO = "2025-06-30"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "danvan" / "orgs" / "data" / "units.json"

# Division type (as the package spells it) -> name prefix as officials write it.
# The package's names carry the prefix already; we re-apply the canonical spelling
# because a few source names have a wrongly capitalised prefix ("xã Bắc Sơn",
# "Thành Phố Bắc Kạn").
PREFIXES: dict[str, str] = {
    "tỉnh": "Tỉnh",
    "thành phố trung ương": "Thành phố",
    "thành phố": "Thành phố",
    "huyện": "Huyện",
    "quận": "Quận",
    "thị xã": "Thị xã",
    "xã": "Xã",
    "phường": "Phường",
    "thị trấn": "Thị trấn",
    "đặc khu": "Đặc khu",
}

KIND_ORDER = {"P": 0, "C": 1, "LP": 2, "LD": 3, "LC": 4}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def split_name(name: str, division_type: str) -> tuple[str, str]:
    """Return ``(full_name, short_name)`` with the canonical type prefix."""
    name = " ".join(nfc(name).split())
    prefix = PREFIXES[str(division_type)]
    if not name.lower().startswith(prefix.lower() + " "):
        raise SystemExit(f"Name {name!r} does not start with its type {prefix!r}")
    short_name = name[len(prefix) + 1 :].strip()
    if not short_name:
        raise SystemExit(f"Empty short name for {name!r}")
    return f"{prefix} {short_name}", short_name


def make_unit(
    key: str,
    code: str,
    kind: str,
    obj: Any,
    parent: str | None,
    *,
    current: bool,
) -> dict[str, Any]:
    name, short_name = split_name(obj.name, obj.division_type)
    return {
        "key": key,
        "code": code,
        "kind": kind,
        "name": name,
        "short_name": short_name,
        "parent": parent,
        "valid_from": EFFECTIVE_DATE if current else None,
        "valid_to": None if current else LEGACY_VALID_TO,
    }


def current_units() -> list[dict[str, Any]]:
    units = [
        make_unit(f"P{p.code.value:02d}", f"{p.code.value:02d}", "province", p, None, current=True)
        for p in Province.iter_all()
    ]
    units += [
        make_unit(
            f"C{w.code.value:05d}",
            f"{w.code.value:05d}",
            "commune",
            w,
            f"P{w.province_code.value:02d}",
            current=True,
        )
        for w in Ward.iter_all()
    ]
    return units


def legacy_units() -> list[dict[str, Any]]:
    units = [
        make_unit(
            f"LP{p.code.value:02d}", f"{p.code.value:02d}", "province", p, None, current=False
        )
        for p in legacy.Province.iter_all()
    ]
    units += [
        make_unit(
            f"LD{d.code.value:03d}",
            f"{d.code.value:03d}",
            "district",
            d,
            f"LP{d.province_code.value:02d}",
            current=False,
        )
        for d in legacy.District.iter_all()
    ]
    units += [
        make_unit(
            f"LC{w.code.value:05d}",
            f"{w.code.value:05d}",
            "commune",
            w,
            f"LD{w.district_code.value:03d}",
            current=False,
        )
        for w in legacy.Ward.iter_all()
    ]
    return units


def commune_successions() -> list[tuple[str, str]]:
    """Legacy commune -> current commune pairs from the package's ward conversion table.

    ``Ward.get_legacy_sources()`` only returns legacy communes present in the package's
    legacy list, so every pair references existing units. A legacy commune split between
    several new communes yields one pair per new commune.
    """
    pairs = set()
    for ward in Ward.iter_all():
        for old in ward.get_legacy_sources():
            pairs.add((f"LC{old.code.value:05d}", f"C{ward.code.value:05d}"))
    return sorted(pairs)


def province_successions(
    units_by_key: dict[str, dict[str, Any]], communes: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Legacy province -> the single current province it was merged into.

    Candidates come from the package's province conversion table. When the package lists
    more than one candidate (it does so for Tiền Giang because one Long An commune is
    mislabelled as Tiền Giang in its source table) the winner is the candidate that
    receives most of the legacy province's communes. The result is cross-checked against
    that majority vote for every province.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for old_key, new_key in communes:
        old_district = units_by_key[old_key]["parent"]
        old_province = units_by_key[old_district]["parent"]
        votes[old_province][units_by_key[new_key]["parent"]] += 1

    candidates: dict[str, set[str]] = defaultdict(set)
    for province in Province.iter_all():
        for old in province.get_legacy_sources():
            candidates[f"LP{old.code.value:02d}"].add(f"P{province.code.value:02d}")

    pairs = []
    for old_key in sorted(k for k in units_by_key if k.startswith("LP")):
        options = candidates.get(old_key)
        if not options:
            raise SystemExit(f"No successor for legacy province {old_key}")
        ranked = votes[old_key].most_common()
        winner = ranked[0][0] if ranked else None
        if len(options) == 1:
            (chosen,) = options
        else:
            chosen = winner if winner in options else ""
            print(
                f"note: {old_key} {units_by_key[old_key]['name']} has candidates "
                f"{sorted(options)}; commune votes {dict(ranked)} -> {chosen}",
                file=sys.stderr,
            )
        if not chosen or (winner is not None and winner != chosen):
            raise SystemExit(f"Ambiguous successor for {old_key}: {options}, votes {ranked}")
        pairs.append((old_key, chosen))
    return pairs


def validate(units: list[dict[str, Any]], successions: list[dict[str, str]]) -> None:
    keys = [u["key"] for u in units]
    if len(keys) != len(set(keys)):
        dupes = [k for k, n in Counter(keys).items() if n > 1]
        raise SystemExit(f"Duplicate keys: {dupes[:10]}")
    known = set(keys)
    for unit in units:
        if unit["parent"] is not None and unit["parent"] not in known:
            raise SystemExit(f"Unknown parent {unit['parent']} of {unit['key']}")
    for item in successions:
        for role in ("predecessor", "successor"):
            if item[role] not in known:
                raise SystemExit(f"Unknown {role} {item[role]} in succession {item}")


def dump(units: list[dict[str, Any]], successions: list[dict[str, str]]) -> str:
    def rows(items: list[dict[str, Any]]) -> str:
        return ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in items)

    source = json.dumps(f"vietnam-provinces {vietnam_provinces.__version__}", ensure_ascii=False)
    return (
        "{\n"
        f'  "source": {source},\n'
        '  "units": [\n'
        f"{rows(units)}\n"
        "  ],\n"
        '  "successions": [\n'
        f"{rows(successions)}\n"
        "  ]\n"
        "}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    if vietnam_provinces.__version__ != PACKAGE_VERSION:
        raise SystemExit(
            f"Need vietnam-provinces=={PACKAGE_VERSION}, found {vietnam_provinces.__version__}"
        )

    units = current_units() + legacy_units()
    units.sort(key=lambda u: (KIND_ORDER[u["key"].rstrip("0123456789")], u["key"]))
    units_by_key = {u["key"]: u for u in units}

    communes = commune_successions()
    provinces = province_successions(units_by_key, communes)
    successions = [
        {"predecessor": old, "successor": new, "date": EFFECTIVE_DATE}
        for old, new in provinces + communes
    ]
    validate(units, successions)

    text = dump(units, successions)
    json.loads(text)  # sanity check: the hand-written layout is valid JSON
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")

    kinds = Counter((u["key"].rstrip("0123456789"), u["name"].split()[0]) for u in units)
    print(f"wrote {args.output} ({len(text.encode('utf-8')):,} bytes)")
    print(f"units: {len(units):,}; by key prefix and name word: {dict(sorted(kinds.items()))}")
    print(f"successions: {len(provinces)} province, {len(communes):,} commune")


if __name__ == "__main__":
    main()
