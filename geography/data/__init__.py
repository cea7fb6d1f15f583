"""Jakarta's 6 wilayah, 44 kecamatan and 267 kelurahan with their Kemendagri codes (`jakarta.json`, see
`SOURCES.md`), and their loader.

The data migrations load them; the test suite reloads them after a transactional test flushes the tables."""

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("jakarta.json")


@dataclass(frozen=True)
class WilayahRow:
    code: str
    name: str
    official_name: str


@dataclass(frozen=True)
class KecamatanRow:
    code: str
    name: str
    wilayah: str
    aliases: tuple[str, ...]

    @property
    def nik_prefix(self) -> str:
        return self.code.replace(".", "")


@dataclass(frozen=True)
class KelurahanRow:
    code: str
    name: str
    kecamatan: str
    postal_code: str


@dataclass(frozen=True)
class Dataset:
    wilayah: tuple[WilayahRow, ...]
    kecamatan: tuple[KecamatanRow, ...]
    kelurahan: tuple[KelurahanRow, ...]


@functools.cache
def dataset() -> Dataset:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return Dataset(
        wilayah=tuple(WilayahRow(w["code"], w["name"], w["official_name"]) for w in raw["wilayah"]),
        kecamatan=tuple(
            KecamatanRow(k["code"], k["name"], k["wilayah"], tuple(k.get("aliases", ()))) for k in raw["kecamatan"]
        ),
        kelurahan=tuple(
            KelurahanRow(k["code"], k["name"], k["kecamatan"], k["postal_code"]) for k in raw["kelurahan"]
        ),
    )


def kecamatan_nik_prefixes() -> frozenset[str]:
    """The six digits a NIK issued in each kecamatan starts with (31.74.01 Tebet -> 317401)."""
    return frozenset(k.nik_prefix for k in dataset().kecamatan)


def load(wilayah_model: Any, kecamatan_model: Any, kelurahan_model: Any = None, office_model: Any = None) -> None:
    """Create or correct every wilayah, kecamatan and kelurahan, and give each kecamatan its (empty) office row.

    The models are passed in, so a migration can use its own; the kelurahan and office models default to the ones
    the kecamatan model's relations point to. Existing rows are corrected IN PLACE (their primary keys stay: users'
    offices, participants and registrations point at them): a wilayah is found by its name, a kecamatan by its
    wilayah and name (or a common alias), else by code. Changed rows go through temporary values first, so a swap
    of codes between two rows never trips the unique constraints."""
    data = dataset()
    kelurahan_model = kelurahan_model or kecamatan_model._meta.get_field("kelurahan").related_model
    office_model = office_model or kecamatan_model._meta.get_field("office").related_model

    wilayah_rows = _place(
        wilayah_model, [({"code": w.code, "name": w.name}, (w.name, w.official_name), w.code) for w in data.wilayah]
    )
    by_code = {w.code: wilayah_rows[w.code] for w in data.wilayah}
    _place(
        kecamatan_model,
        [
            (
                {"code": k.code, "name": k.name, "wilayah_id": by_code[k.wilayah].pk, "aliases": ", ".join(k.aliases)},
                (k.name, *k.aliases),
                k.code,
            )
            for k in data.kecamatan
        ],
    )
    kecamatan_ids = dict(
        kecamatan_model.objects.filter(code__in=[k.code for k in data.kecamatan]).values_list("code", "pk")
    )

    existing = {row.code: row for row in kelurahan_model.objects.filter(code__in=[k.code for k in data.kelurahan])}
    new, changed = [], []
    for k in data.kelurahan:
        values = {"name": k.name, "kecamatan_id": kecamatan_ids[k.kecamatan], "postal_code": k.postal_code}
        row = existing.get(k.code)
        if row is None:
            new.append(kelurahan_model(code=k.code, **values))
        elif any(getattr(row, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(row, field, value)
            changed.append(row)
    kelurahan_model.objects.bulk_create(new)
    kelurahan_model.objects.bulk_update(changed, ["name", "kecamatan_id", "postal_code"])

    with_office = set(office_model.objects.values_list("kecamatan_id", flat=True))
    office_model.objects.bulk_create(
        [
            office_model(kecamatan_id=pk)
            for pk in kecamatan_model.objects.values_list("pk", flat=True)
            if pk not in with_office
        ]
    )


def _place(model: Any, targets: list[tuple[dict[str, Any], tuple[str, ...], str]]) -> dict[str, Any]:
    """Give each target (values, the names it may go by today, its code) one row: the existing row going by one
    of the names (else holding the code), corrected, or a new one. Returns the rows by code."""
    rows = list(model.objects.all())
    by_name: dict[str, Any] = {}
    for row in rows:
        by_name.setdefault(row.name, row)
    by_code = {row.code: row for row in rows}
    matched: dict[str, Any] = {}
    taken: set[int] = set()
    for _values, names, code in targets:
        row = next((by_name[n] for n in names if n in by_name and by_name[n].pk not in taken), None)
        if row is None and code in by_code and by_code[code].pk not in taken:
            row = by_code[code]
        if row is not None:
            taken.add(row.pk)
            matched[code] = row
    stale = [
        row
        for code, row in matched.items()
        if any(getattr(row, field) != value for field, value in next(v for v, _, c in targets if c == code).items())
    ]
    # first out of the way (codes are short: "~" and the primary key in base 36 fit any code column) ...
    for row in stale:
        model.objects.filter(pk=row.pk).update(code=f"~{_base36(row.pk)}", name=f"~{row.pk}")
    # ... then into place
    result: dict[str, Any] = {}
    for values, _names, code in targets:
        row = matched.get(code)
        if row is None:
            result[code] = model.objects.create(**values)
        else:
            if row in stale:
                model.objects.filter(pk=row.pk).update(**values)
                for field, value in values.items():
                    setattr(row, field, value)
            result[code] = row
    return result


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text
