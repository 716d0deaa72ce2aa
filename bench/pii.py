"""Benchmark of the personal-information detector (gongkai.lib.pii).

Run:  .venv/bin/python bench/pii.py [--mb 50] [--seed 2019] [--tagger] [--baseline REV]

Generates government-style pages with planted identifiers and look-alikes (索引号, 文号, dates,
amounts, hotlines, postcodes, office numbers, officials' names, 18-digit numbers with a wrong
GB 11643 check character) by `gongkai.lib.pii.synth`, then measures on one core:
- throughput of detect() over at least --mb megabytes of UTF-8 text, all types and the
  structured types only (no names or addresses), in characters/s and MB/s;
- precision and recall per type against the planted truth (exact type and span).
These synthetic pages are dense with identifiers, so they are read by the rules alone
(`context_tagger=False`); with --tagger the LAC name tagger is also measured on a small sample.

Evaluation set (`bench/data/pii/eval.jsonl`, 480 labelled texts in real 公示 layouts, built by
`bench/data/pii/make_eval.py`, never used by the unit tests), read by `detect()` with its
defaults as the review gate does: structured precision and recall, the personal identifiers
still in clear after `redact()` (统一社会信用代码 is public and left out), person-name recall for
names that share a sentence with an identifier and overall, name precision; and the throughput
of `detect()` on text without identifiers (government prose with look-alikes and the three
corpus pages). `--baseline REV` measures the same with `gongkai/lib` as it was at git REV, in a
subprocess, and prints both side by side ("baseline" in the JSON).

Comparison: the same timed text goes through Microsoft Presidio's `AnalyzerEngine` with pattern
recognisers equivalent to our structured types (the same shapes, and the same GB 11643, Luhn and
GB 32100 checks in `validate_result`) and an NLP engine that does nothing (no model); its MB/s and
our ratio to it are printed. Without `presidio-analyzer` installed the figure is
`"presidio": null` with the reason in `"presidio_skipped"`.
The figures are printed as one JSON object on the last line.
"""

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# --baseline runs this file again over an older gongkai/lib unpacked elsewhere
sys.path.insert(0, os.environ.get("GONGKAI_BENCH_ROOT", str(ROOT)))

from gongkai.lib.pii import STRUCTURED_TYPES, TYPES, LacTagger, detect  # noqa: E402
from gongkai.lib.pii.synth import labelled_document  # noqa: E402

Label = tuple[str, int, int]


def build_pool(seed: int, docs: int) -> list[tuple[str, list[Label]]]:
    rng = random.Random(seed)
    return [labelled_document(rng, records=4, filler=40) for _ in range(docs)]


def throughput(
    texts: list[str], types: tuple[str, ...] | None, **kwargs: object
) -> tuple[float, float]:
    """(characters/s, UTF-8 MB/s) of detect() over `texts`."""
    chars = sum(len(t) for t in texts)
    size = sum(len(t.encode()) for t in texts)
    start = time.perf_counter()
    for text in texts:
        detect(text, types=types, **kwargs)  # type: ignore[arg-type]
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


# --- the labelled evaluation set ---------------------------------------------------------------
EVAL = ROOT / "bench" / "data" / "pii" / "eval.jsonl"
CORPUS = ROOT.parent / "shared" / "corpus"


def _compact(value: str) -> str:
    return "".join(c for c in value if c.isalnum())


def evaluate() -> dict[str, object]:
    """Scores of detect()/redact() with their defaults on the evaluation set."""
    from gongkai.lib.pii import redact

    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()]
    st_tp = st_found = st_true = 0
    names_tp = names_found = 0
    near = [0, 0]  # (found, labelled)
    overall = [0, 0]
    in_clear: list[str] = []
    misses: list[str] = []
    for row in rows:
        text = row["text"]
        findings = detect(text)
        found = {(f.type, f.start, f.end) for f in findings}
        truth = {(t, s, e) for t, s, e, _ in row["labels"]}
        st_found += sum(1 for t, *_ in found if t in STRUCTURED_TYPES)
        st_true += sum(1 for t, *_ in truth if t in STRUCTURED_TYPES)
        st_tp += sum(1 for t, *_ in found & truth if t in STRUCTURED_TYPES)
        names_found += sum(1 for t, *_ in found if t == "person_name")
        names_tp += sum(1 for t, *_ in found & truth if t == "person_name")
        redacted = redact(text, findings)
        flat = _compact(redacted)
        for kind, start, end, is_near in row["labels"]:
            value = text[start:end]
            if kind == "person_name":
                hit = (kind, start, end) in found
                for bucket in [overall] + ([near] if is_near else []):
                    bucket[0] += hit
                    bucket[1] += 1
                if not hit and len(misses) < 40:
                    misses.append(
                        f"{row['shape']}: {value} in {text[max(0, start - 12) : end + 12]!r}"
                    )
            elif kind != "credit_code" and (value in redacted or _compact(value) in flat):
                in_clear.append(f"{row['shape']}: {kind} {value}")
    wrong = [
        f"{row['shape']}: {f.type} {f.text}"
        for row in rows
        for f in detect(row["text"])
        if (f.type, f.start, f.end) not in {(t, s, e) for t, s, e, _ in row["labels"]}
    ]
    return {
        "texts": len(rows),
        "structured_precision": round(st_tp / st_found, 4) if st_found else 1.0,
        "structured_recall": round(st_tp / st_true, 4) if st_true else 1.0,
        "identifiers_in_clear": len(in_clear),
        "name_recall_near_identifier": round(near[0] / near[1], 4) if near[1] else 1.0,
        "name_recall": round(overall[0] / overall[1], 4) if overall[1] else 1.0,
        "name_precision": round(names_tp / names_found, 4) if names_found else 1.0,
        "names_labelled": overall[1],
        "names_near_identifier": near[1],
        "in_clear": in_clear[:20],
        "name_misses": misses[:20],
        "wrong_findings": wrong[:20],
    }


def plain_texts(seed: int, mb: float) -> list[str]:
    """Government prose without identifiers: decoy sentences (索引号, 文号, dates, amounts,
    hotlines, officials) and the text of the corpus pages, to about `mb` MB."""
    from gongkai.lib.pii.synth import decoy_sentence

    rng = random.Random(seed)
    pages = ["".join(decoy_sentence(rng) for _ in range(60)) for _ in range(200)]
    for path in sorted(CORPUS.glob("*.txt")):
        pages.append(path.read_text(encoding="utf-8", errors="replace"))
    size = sum(len(t.encode()) for t in pages) / 1e6
    return pages * max(1, round(mb / size + 0.5))


def eval_figures(seed: int, mb: float) -> dict[str, object]:
    texts = plain_texts(seed, mb)
    detect(texts[0])  # load what loads lazily before the clock starts
    _, rate = throughput(texts, None)
    return {"eval": evaluate(), "mb_per_s_no_identifiers": round(rate, 1),
            "timed_mb_no_identifiers": round(sum(len(t.encode()) for t in texts) / 1e6, 1)}  # fmt: skip


def baseline(rev: str, seed: int, mb: float) -> dict[str, object]:
    """eval_figures() of gongkai/lib as it was at git `rev`, run in a subprocess."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev, "gongkai/__init__.py", "gongkai/lib"],
            check=True, capture_output=True,
        ).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        out = subprocess.run(
            [sys.executable, __file__, "--eval-only", "--seed", str(seed), "--mb", str(mb)],
            env={**os.environ, "GONGKAI_BENCH_ROOT": tmp}, check=True, capture_output=True,
            text=True,
        ).stdout  # fmt: skip
    return {"rev": rev, **json.loads(out.strip().splitlines()[-1])}


# --- Microsoft Presidio, for comparison ---------------------------------------------------------------
_PRESIDIO_PATTERNS = {
    "id_card": (r"(?<![0-9A-Za-z])[1-8][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])", "id"),
    "mobile": (r"(?<![0-9A-Za-z])(?:(?:\+|00)?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9A-Za-z])", None),
    "landline": (r"(?<![0-9A-Za-z])(?:\(0[1-9][0-9]{1,2}\)|0[1-9][0-9]{1,2}-?)[2-9][0-9]{6,7}(?![0-9A-Za-z])", None),
    "bank_card": (r"(?<![0-9A-Za-z])(?:[0-9]{16,19}|[0-9]{4}(?: [0-9]{4}){3}(?: [0-9]{1,3})?)(?![0-9A-Za-z])", "luhn"),
    "email": (r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}", None),
    "passport": (r"(?<![0-9A-Za-z])(?:[EG][0-9]{8}|[HM][0-9]{8,10})(?![0-9A-Za-z])", None),
    "license_plate": (r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}(?![0-9A-Za-z])", None),
    "credit_code": (r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])", "credit"),
}  # fmt: skip


def presidio_analyzer() -> tuple[object | None, str]:
    """An AnalyzerEngine with our patterns and a do-nothing NLP engine, or (None, why not)."""
    try:
        from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
    except ImportError as e:
        return None, f"presidio-analyzer 未安装（{e}）：uv add presidio-analyzer 后重跑"
    from gongkai.lib.creditcode import is_valid_credit_code as credit_ok
    from gongkai.lib.pii.checks import id_check_character, luhn_ok

    checks = {
        "id": lambda v: id_check_character(v[:17]) == v[17].upper(),
        "luhn": lambda v: luhn_ok(v.replace(" ", "")),
        "credit": credit_ok,
    }

    class NoOpNlpEngine(NlpEngine):  # no model: pattern recognisers need no tokens
        def load(self) -> None: ...

        def is_loaded(self) -> bool:
            return True

        def process_text(self, text: str, language: str) -> NlpArtifacts:
            return NlpArtifacts(
                entities=[],
                tokens=[],  # type: ignore[arg-type]  # a Doc is not needed by pattern recognisers
                tokens_indices=[],
                lemmas=[],
                nlp_engine=self,
                language=language,
            )

        def process_batch(self, texts, language, **kwargs):  # type: ignore[override]
            for text in texts:
                yield text, self.process_text(text, language)

        def is_stopword(self, word: str, language: str) -> bool:
            return False

        def is_punct(self, word: str, language: str) -> bool:
            return False

        def get_supported_entities(self) -> list[str]:
            return []

        def get_supported_languages(self) -> list[str]:
            return ["zh"]

    class Checked(PatternRecognizer):
        def __init__(self, kind: str, regex: str, check: str | None) -> None:
            super().__init__(
                supported_entity=kind, patterns=[Pattern(kind, regex, 0.6)], supported_language="zh"
            )
            self._check = checks.get(check or "")

        def validate_result(self, pattern_text: str) -> bool | None:
            return None if self._check is None else bool(self._check(pattern_text))

    registry = RecognizerRegistry(supported_languages=["zh"])
    for kind, (regex, check) in _PRESIDIO_PATTERNS.items():
        registry.add_recognizer(Checked(kind, regex, check))
    engine = AnalyzerEngine(
        registry=registry, nlp_engine=NoOpNlpEngine(), supported_languages=["zh"]
    )
    return engine, ""


def presidio_throughput(engine: object, texts: list[str]) -> float:
    size = sum(len(t.encode()) for t in texts)
    start = time.perf_counter()
    for text in texts:
        engine.analyze(text=text, language="zh")  # type: ignore[attr-defined]
    return size / (time.perf_counter() - start) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mb", type=float, default=50, help="MB of UTF-8 text to time (default 50)"
    )
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--docs", type=int, default=2000, help="distinct labelled pages")
    parser.add_argument("--tagger", action="store_true", help="also score the LAC name tagger")
    parser.add_argument("--baseline", metavar="REV", help="also measure gongkai/lib at git REV")
    parser.add_argument("--eval-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.eval_only:
        print(json.dumps(eval_figures(args.seed, min(args.mb, 20)), ensure_ascii=False))
        return

    started = time.perf_counter()
    pool = build_pool(args.seed, args.docs)
    texts = [t for t, _ in pool]
    pool_mb = sum(len(t.encode()) for t in texts) / 1e6
    # The timed corpus repeats the labelled pages until it reaches --mb; detect() keeps no state.
    timed = texts * max(1, round(args.mb / pool_mb + 0.5))
    timed_mb = sum(len(t.encode()) for t in timed) / 1e6
    print(f"{len(pool)} labelled pages, {pool_mb:.1f} MB; timing on {timed_mb:.1f} MB", flush=True)

    all_chars, all_mb = throughput(timed, None, context_tagger=False)
    print(f"all types:        {all_chars / 1e6:6.2f} M chars/s  {all_mb:6.1f} MB/s", flush=True)
    st_chars, st_mb = throughput(timed, STRUCTURED_TYPES)
    print(f"structured types: {st_chars / 1e6:6.2f} M chars/s  {st_mb:6.1f} MB/s", flush=True)

    scores = score(pool, context_tagger=False)
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
    engine, why_not = presidio_analyzer()
    if engine is None:
        result["presidio"] = None
        result["presidio_skipped"] = why_not
        print(f"Presidio: skipped — {why_not}", flush=True)
    else:
        try:
            presidio_mb = presidio_throughput(engine, timed)
        except Exception as e:  # report, never hide, a failure of the comparison
            result["presidio"] = None
            result["presidio_skipped"] = f"Presidio 运行失败：{type(e).__name__}: {e}"
        else:
            result["presidio"] = {
                "mb_per_s": round(presidio_mb, 2),
                "ratio_structured": round(st_mb / presidio_mb, 1),
            }
            print(
                f"Presidio AnalyzerEngine: {presidio_mb:6.2f} MB/s; ours ×{st_mb / presidio_mb:.1f}"
            )
    figures = eval_figures(args.seed, min(args.mb, 20))
    result.update(figures)
    print(f"evaluation set: {json.dumps(figures, ensure_ascii=False)}", flush=True)
    if args.baseline:
        result["baseline"] = baseline(args.baseline, args.seed, args.mb)
        print(f"baseline: {json.dumps(result['baseline'], ensure_ascii=False)}", flush=True)
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
