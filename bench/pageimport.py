"""Benchmark of page extraction: pages per second, and field accuracy on the three real pages.

Run: `.venv/bin/python bench/pageimport.py [--rounds N]`

Each round decodes and extracts the three corpus pages (copies in
gongkai/lib/tests/fixtures/) from their bytes, as `gongkai import_pages` does. Accuracy compares
the nine metadata fields with the hand-read values of fixtures/expected.json (an empty
expected value must come out empty: an invented field counts as wrong) and checks each body's
first and last paragraph and that no navigation or footer text is left in it.
The last line printed is one JSON object.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.lib.pageimport import decode, extract  # noqa: E402

FIXTURES = ROOT / "gongkai" / "lib" / "tests" / "fixtures"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    expected = json.loads((FIXTURES / "expected.json").read_text("utf-8"))
    pages = {name: (FIXTURES / name).read_bytes() for name in sorted(expected)}

    fields_ok = fields_total = bodies_ok = 0
    for name, raw in pages.items():
        record = extract(decode(raw)).to_dict()
        for key, want in expected[name]["fields"].items():
            fields_total += 1
            fields_ok += record[key] == want
            if record[key] != want:
                print(f"{name} {key}: got {record[key]!r}, expected {want!r}")
        body = record["body_text"]
        body_ok = (
            body.startswith(expected[name]["body_first"])
            and body.endswith(expected[name]["body_last"])
            and not any(chrome in body for chrome in expected[name]["not_in_body"])
        )
        bodies_ok += body_ok
        print(
            f"{name}: {len(body)} chars of body, {len(record['warnings'])} warnings, body ok={body_ok}"
        )

    extract(decode(next(iter(pages.values()))))  # load OpenCC's dictionaries before timing
    started = time.perf_counter()
    count = 0
    for _ in range(args.rounds):
        for raw in pages.values():
            extract(decode(raw))
            count += 1
    elapsed = time.perf_counter() - started
    mean_kb = sum(len(raw) for raw in pages.values()) / len(pages) / 1024
    print(
        json.dumps(
            {
                "bench": "pageimport",
                "pages": count,
                "seconds": round(elapsed, 3),
                "pages_per_s": round(count / elapsed, 1),
                "mean_page_kb": round(mean_kb, 1),
                "fields_correct": fields_ok,
                "fields_total": fields_total,
                "field_accuracy": round(fields_ok / fields_total, 3),
                "bodies_clean": f"{bodies_ok}/{len(pages)}",
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
