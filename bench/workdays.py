"""Benchmark of the working-day calendar and the statutory clock (gongkai.lib).

Run from the project root:

    .venv/bin/python bench/workdays.py [--calls 200000] [--cases 20000] [--seed 7]

Times building the shipped calendar, `add_working_days` over random (start, n) pairs in
2004–2025, and full `compute_clock` runs (due date, days used, pauses) over random valid case
histories with 补正, consultation, fee and extension events. Each timing is the best of three
runs. Prints one JSON object on its last line.
"""

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.lib.statutory import ClockEvent, EventKind, compute_clock
from gongkai.lib.workdays import WorkCalendar, load_calendar

FIRST = dt.date(2004, 1, 1).toordinal()
LAST = dt.date(2025, 6, 30).toordinal()  # leaves room for every case to end inside 2026


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def random_case(rng: random.Random, cal: WorkCalendar) -> tuple[dt.date, list[ClockEvent], dt.date]:
    """A valid history: optional 补正, consultation, fee and extension, then the answer."""
    days = dt.timedelta
    receipt = dt.date.fromordinal(rng.randint(FIRST, LAST))
    events: list[ClockEvent] = []
    t = receipt
    if rng.random() < 0.3:
        notice = cal.add_working_days(receipt, rng.randint(1, 7))
        events.append(ClockEvent(EventKind.CORRECTION_REQUESTED, notice))
        t = notice + days(rng.randint(1, 30))
        events.append(ClockEvent(EventKind.CORRECTION_RECEIVED, t))
    if rng.random() < 0.5:
        # Extension right at the (re)start of the period, when time is surely left.
        events.append(ClockEvent(EventKind.EXTENSION_GRANTED, t, days=rng.randint(1, 20)))
    if rng.random() < 0.3:
        start = t + days(rng.randint(0, 10))
        t = start + days(rng.randint(1, 25))
        events.append(ClockEvent(EventKind.CONSULTATION_STARTED, start))
        events.append(ClockEvent(EventKind.CONSULTATION_ENDED, t))
    if rng.random() < 0.2:
        notice = t + days(rng.randint(0, 5))
        t = notice + days(rng.randint(1, 20))  # 20 calendar days stay inside 20 working days
        events.append(ClockEvent(EventKind.FEE_NOTICE_SENT, notice))
        events.append(ClockEvent(EventKind.FEE_PAID, t))
    answered = t + days(rng.randint(0, 45))
    events.append(ClockEvent(EventKind.ANSWERED, answered))
    return receipt, events, answered + days(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    build = best_of(3, load_calendar)
    cal = load_calendar()

    pairs = [
        (dt.date.fromordinal(rng.randint(FIRST, LAST)), rng.randint(1, 60))
        for _ in range(args.calls)
    ]

    def adds() -> None:
        for start, n in pairs:
            cal.add_working_days(start, n)

    add_time = best_of(3, adds)

    cases = [random_case(rng, cal) for _ in range(args.cases)]
    errors: list[str] = []

    def clocks() -> None:
        errors.clear()
        for receipt, events, as_of in cases:
            try:
                compute_clock(receipt, events, cal, as_of)
            except Exception as exc:  # a generator bug shows up as a count, not a crash
                errors.append(f"{type(exc).__name__}: {exc}")

    clock_time = best_of(3, clocks)
    for message in errors[:5]:
        print(message, file=sys.stderr)

    print(
        json.dumps(
            {
                "bench": "workdays",
                "calendar_build_ms": round(build * 1e3, 2),
                "add_working_days_calls": len(pairs),
                "add_working_days_us": round(add_time / len(pairs) * 1e6, 3),
                "clock_cases": len(cases),
                "clock_events": sum(len(events) for _, events, _ in cases),
                "clock_us": round(clock_time / len(cases) * 1e6, 2),
                "clock_errors": len(errors),
            }
        )
    )


if __name__ == "__main__":
    main()
