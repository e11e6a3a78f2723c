"""Import the official 2025 list of administrative units (province + commune level)."""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from sangtao.orgs.models import OrgUnit, UnitKind

REFORM_DATE = datetime.date(2025, 7, 1)  # two-level local government took effect
UNIT_KINDS = {"phường": UnitKind.WARD, "xã": UnitKind.COMMUNE, "đặc khu": UnitKind.SPECIAL_ZONE}
COLUMNS = {"province_code", "province_name", "province_type", "unit_code", "unit_name", "unit_type"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    provinces: int = 0


class ImportErrorWithLine(ValueError):
    pass


def import_admin_units(path: Path, province_codes: set[str] | None = None) -> ImportResult:
    """Create or update provinces and their units; safe to run again (matched by official code)."""
    result = ImportResult()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = COLUMNS - set(reader.fieldnames or [])
        if missing:
            raise ImportErrorWithLine(f"missing columns: {', '.join(sorted(missing))}")
        rows = list(reader)
    provinces: dict[str, OrgUnit] = {}
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            if province_codes and row["province_code"] not in province_codes:
                continue
            kind = UNIT_KINDS.get(row["unit_type"].strip())
            if kind is None:
                raise ImportErrorWithLine(f"line {line}: unknown unit_type {row['unit_type']!r}")
            province = provinces.get(row["province_code"])
            if province is None:
                province = _upsert(result, UnitKind.PROVINCE, row["province_code"], row["province_name"], None)
                provinces[row["province_code"]] = province
            _upsert(result, kind, row["unit_code"], row["unit_name"], province)
    result.provinces = len(provinces)
    return result


def _upsert(result: ImportResult, kind: str, code: str, name: str, parent: OrgUnit | None) -> OrgUnit:
    unit = OrgUnit.objects.filter(kind=kind, code=code.strip()).first()
    if unit is None:
        unit = OrgUnit(kind=kind, code=code.strip(), valid_from=REFORM_DATE)
        result.created += 1
    elif unit.name == name.strip() and unit.parent_id == (parent.pk if parent else None):
        return unit
    else:
        result.updated += 1
    unit.name = name
    unit.parent = parent
    unit.save()
    return unit
