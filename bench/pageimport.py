"""Benchmark of page extraction: field accuracy on the labelled set, and pages per second.

Run: `.venv/bin/python bench/pageimport.py [--rounds N] [--set dev|test|both] [--misses]`

Accuracy (issue 17 §2) is measured on bench/data/pageimport/ (see its README): `dev/` is what
the extractor is developed against, `test/` is measured but never tuned to. Per page:
- title: equal to the label after whitespace, width and bracket folding (match_key);
- date: published_on, else written_on, equals the labelled date (an empty label wants empty);
- org: org_name (else department, for a page that shows only 责任部门) equals the labelled
  organisation (folded); an empty label wants empty;
- doc_number, index_no: equal to the label; a value where the label has none, or a different
  one, is counted as invented;
- body: the labelled body is the saved lines from body_first to body_last; `kept` is the share
  of those lines found in the extracted body, `boilerplate` the share of extracted body lines
  that are not body lines.

Each round decodes and extracts the three corpus pages (copies in
gongkai/lib/tests/fixtures/) from their bytes, as `gongkai import_pages` does. Accuracy compares
the nine metadata fields with the hand-read values of fixtures/expected.json (an empty
expected value must come out empty: an invented field counts as wrong) and checks each body's
first and last paragraph and that no navigation or footer text is left in it.
The last line printed is one JSON object.
"""

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.lib.pageimport import decode, extract  # noqa: E402
from gongkai.lib.pageimport.normalize import match_key, normalize_text, normalize_value  # noqa: E402

FIXTURES = ROOT / "gongkai" / "lib" / "tests" / "fixtures"
LABELLED = ROOT / "bench" / "data" / "pageimport"
FIELDS = ("title", "date", "org", "doc_number", "index_no")


def _lines(text: str) -> list[str]:
    return [match_key(x) for x in normalize_text(text).text.split("\n") if x.strip()]


def _body_span(lines: list[str], first: str, last: str) -> list[str]:
    first_key, last_key = match_key(normalize_value(first)), match_key(normalize_value(last))
    # A label is the whole line, or the start of a line the saved page cut short.
    start = next((i for i, x in enumerate(lines) if x == first_key), None)
    if start is None:
        start = next(i for i, x in enumerate(lines) if x.startswith(first_key))
    end = next(i for i in range(len(lines) - 1, start - 1, -1) if lines[i].startswith(last_key))
    return lines[start : end + 1]


_DOCNO_LIKE = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,12}[\[〔(（【]?\d{4}[\]〕)）】]?第?\d{0,5}号?$")
_RULE = re.compile(r"^[—\-_=─━*]+$")
_ORGAN = re.compile(
    r"^[\u4e00-\u9fff()（）]{2,30}(?:政府|办公室|办公厅|委员会|管委会|局|厅|委|院|人大|政协)$"
)


def _head_lines(span: list[str], title: str) -> set[str]:
    """The document's own head (版头) at the top of the labelled body: issuing organ, 文号, a
    rule, the title again (maybe over two lines). The extractor moves these to the metadata, the
    labels keep them in the body; they count neither as kept content nor as boilerplate."""
    head: set[str] = set()
    for line in span[:6]:
        piece = line and (line in title or _DOCNO_LIKE.match(line) or _RULE.match(line))
        if not (piece or _ORGAN.match(line)):
            break
        head.add(line)
    return head


def score_set(folder: Path, show_misses: bool) -> dict[str, object]:
    """Per-field accuracy on one labelled folder, with the misses listed."""
    labels = json.loads((folder / "labels.json").read_text("utf-8"))
    right = dict.fromkeys(FIELDS, 0)
    invented = {"doc_number": 0, "index_no": 0}
    body_lines = kept = out_lines = boiler = 0
    misses: list[str] = []
    for name, want in sorted(labels.items()):
        text = (folder / name).read_text("utf-8")
        rec = extract(text, want["url"])
        got = {
            "title": match_key(rec.title),
            "date": (rec.published_on or rec.written_on or "")
            and str(rec.published_on or rec.written_on),
            "org": match_key(rec.org_name or rec.department),  # a page with only 责任部门
            "doc_number": rec.doc_number,
            "index_no": rec.index_no,
        }
        expect = {
            "title": match_key(normalize_value(want["title"])),
            "date": want["date"] or "",
            "org": match_key(normalize_value(want["org"])),
            "doc_number": want["doc_number"],
            "index_no": want["index_no"],
        }
        for key in FIELDS:
            if got[key] == expect[key]:
                right[key] += 1
                continue
            if key in invented and got[key]:
                invented[key] += 1
            misses.append(f"{folder.name}/{name} {key}: got {got[key]!r}, want {expect[key]!r}")
        span = _body_span(_lines(text), want["body_first"], want["body_last"])
        head = _head_lines(span, match_key(rec.title) or expect["title"])
        span = [x for x in span if x not in head]
        body = {match_key(x) for x in rec.body_text.split("\n") if x.strip()} - head
        wanted = set(span)
        body_lines += len(span)
        kept += sum(x in body for x in span)
        out_lines += len(body)
        extra = [x for x in body if x not in wanted]
        boiler += len(extra)
        lost = [x for x in span if x not in body]
        if extra:
            misses.append(f"{folder.name}/{name} boilerplate: {extra[:3]}")
        if lost:
            misses.append(f"{folder.name}/{name} lost: {lost[:3]}")
    if show_misses:
        for line in misses:
            print(line)
    n = len(labels)
    return {
        "pages": n,
        **{f"{key}_accuracy": round(right[key] / n, 3) for key in FIELDS},
        "invented_doc_number": invented["doc_number"],
        "invented_index_no": invented["index_no"],
        "body_kept": round(kept / body_lines, 4) if body_lines else 1.0,
        "boilerplate_share": round(boiler / out_lines, 4) if out_lines else 0.0,
        "misses": len(misses),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--set", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()
    labelled = {
        which: score_set(LABELLED / which, args.misses)
        for which in (("dev", "test") if args.set == "both" else (args.set,))
    }
    for which, figures in labelled.items():
        print(which, json.dumps(figures, ensure_ascii=False))
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
                **labelled,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
