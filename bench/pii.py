"""Benchmark of the personal-information detector (gongkai.lib.pii).

Run:  .venv/bin/python bench/pii.py [--mb 50] [--seed 2019] [--tagger]

Generates government-style pages with planted identifiers and look-alikes (索引号, 文号, dates,
amounts, hotlines, postcodes, office numbers, officials' names, 18-digit numbers with a wrong
GB 11643 check character) by `gongkai.lib.pii.synth`, then measures on one core:
- throughput of detect() over at least --mb megabytes of UTF-8 text, all types and the
  structured types only (no names or addresses), in characters/s and MB/s;
- precision and recall per type against the planted truth (exact type and span).
With --tagger the LAC name tagger is also measured on a small sample (it is slow).
The figures are printed as one JSON object on the last line.
"""

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.lib.pii import STRUCTURED_TYPES, TYPES, LacTagger, detect
from gongkai.lib.pii.synth import labelled_document

Label = tuple[str, int, int]


def build_pool(seed: int, docs: int) -> list[tuple[str, list[Label]]]:
    rng = random.Random(seed)
    return [labelled_document(rng, records=4, filler=40) for _ in range(docs)]


def throughput(texts: list[str], types: tuple[str, ...] | None) -> tuple[float, float]:
    """(characters/s, UTF-8 MB/s) of detect() over `texts`."""
    chars = sum(len(t) for t in texts)
    size = sum(len(t.encode()) for t in texts)
    start = time.perf_counter()
    for text in texts:
        detect(text, types=types)
    seconds = time.perf_counter() - start
    return chars / seconds, size / seconds / 1e6


def score(pool: list[tuple[str, list[Label]]], **kwargs: object) -> dict[str, dict[str, float]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for text, labels in pool:
        truth = set(labels)
        found = {(f.type, f.start, f.end) for f in detect(text, **kwargs)}  # type: ignore[arg-type]
        for kind, *_ in truth & found:
            tp[kind] += 1
        for kind, *_ in found - truth:
            fp[kind] += 1
        for kind, *_ in truth - found:
            fn[kind] += 1
    out: dict[str, dict[str, float]] = {}
    for kind in TYPES:
        if tp[kind] + fp[kind] + fn[kind] == 0:
            continue
        precision = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 1.0
        recall = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 1.0
        out[kind] = {
            "tp": tp[kind],
            "fp": fp[kind],
            "fn": fn[kind],
            "precision": round(precision, 4),
            "recall": round(recall, 4),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mb", type=float, default=50, help="MB of UTF-8 text to time (default 50)"
    )
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--docs", type=int, default=2000, help="distinct labelled pages")
    parser.add_argument("--tagger", action="store_true", help="also score the LAC name tagger")
    args = parser.parse_args()

    started = time.perf_counter()
    pool = build_pool(args.seed, args.docs)
    texts = [t for t, _ in pool]
    pool_mb = sum(len(t.encode()) for t in texts) / 1e6
    # The timed corpus repeats the labelled pages until it reaches --mb; detect() keeps no state.
    timed = texts * max(1, round(args.mb / pool_mb + 0.5))
    timed_mb = sum(len(t.encode()) for t in timed) / 1e6
    print(f"{len(pool)} labelled pages, {pool_mb:.1f} MB; timing on {timed_mb:.1f} MB", flush=True)

    all_chars, all_mb = throughput(timed, None)
    print(f"all types:        {all_chars / 1e6:6.2f} M chars/s  {all_mb:6.1f} MB/s", flush=True)
    st_chars, st_mb = throughput(timed, STRUCTURED_TYPES)
    print(f"structured types: {st_chars / 1e6:6.2f} M chars/s  {st_mb:6.1f} MB/s", flush=True)

    scores = score(pool)
    for kind, s in scores.items():
        print(f"{kind:14s} precision {s['precision']:.4f}  recall {s['recall']:.4f}  ({s})")
    result: dict[str, object] = {
        "bench": "pii",
        "pages": len(pool),
        "timed_mb": round(timed_mb, 1),
        "chars_per_s_all": round(all_chars),
        "mb_per_s_all": round(all_mb, 1),
        "chars_per_s_structured": round(st_chars),
        "mb_per_s_structured": round(st_mb, 1),
        "per_type": scores,
    }
    if args.tagger:
        sample = pool[:50]
        tagger = LacTagger()
        start = time.perf_counter()
        tagged = score(sample, types=["person_name"], tagger=tagger)
        seconds = time.perf_counter() - start
        chars = sum(len(t) for t, _ in sample)
        result["tagger"] = {"chars_per_s": round(chars / seconds), **tagged.get("person_name", {})}
        print(f"LAC tagger: {chars / seconds:.0f} chars/s, {result['tagger']}")
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
