"""How wrong is the provisional working-day calendar? A replay against the real schedules.

Run:  .venv/bin/python bench/calendar_model.py          (no database; pure lib.workdays)
Options (environment): DAYS (comma list of periods in working days, default "7,15,20,40").

For a year without a confirmed holiday schedule Gongkai counts on the statutory-holiday model
(`gongkai.lib.workdays.statutory_days_off`: 《全国年节及纪念日放假办法》 days plus 补假, computed
by the `holidays` package; no 调休). This replays every start day of the confirmed years from
2019 (`REPLAY_FROM`) through the last consecutive shipped year: the n-th working day counted on
the model against the n-th working day on the real State Council schedule, and prints per year
and period the share of exact hits and the error distribution (calendar days; positive = the
model lands later than the real due date).

How the bound is derived: the earliest plausible date of a provisional due date is the model's
date minus the largest lateness seen in this replay for that number of working days
(`WorkCalendar.lateness_bound(n)`, computed from the shipped data at run time, not typed in).
Within the replayed years the real date was therefore never before `earliest`; warnings (at risk,
overdue) count to `earliest`. `max_early` is how far the model landed before the real date: the
real due date may be that much later than the provisional one, which is why the provisional
date is shown as 暂定 and recomputed when the notice is entered. The last line is one JSON object.
"""

import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.lib.workdays import default_calendar, model_lateness


def main() -> None:
    periods = [int(x) for x in os.environ.get("DAYS", "7,15,20,40").split(",") if x.strip()]
    real = default_calendar()
    out: dict[str, object] = {"replayed_years": real.replay_years(), "periods": {}}
    for n in periods:
        errors = model_lateness(real, n)
        by_year: dict[int, list[int]] = defaultdict(list)
        for start, err in errors.items():
            by_year[start.year].append(err)
        years = {}
        for year, errs in sorted(by_year.items()):
            years[year] = {
                "starts": len(errs),
                "exact": round(sum(e == 0 for e in errs) / len(errs), 3),
                "max_late": max(errs),
                "max_early": max(0, -min(errs)),
            }
            print(f"n={n:3d} {year}: exact {years[year]['exact']:.1%}, "
                  f"late ≤ {years[year]['max_late']} d, early ≤ {years[year]['max_early']} d")  # fmt: skip
        all_errs = list(errors.values())
        summary = {
            "starts": len(all_errs),
            "exact": round(sum(e == 0 for e in all_errs) / len(all_errs), 3),
            "max_late": max(all_errs),
            "max_early": max(0, -min(all_errs)),
            "bound_days": real.lateness_bound(n),
            "distribution": {str(k): v for k, v in sorted(Counter(all_errs).items())},
            "by_year": years,
        }
        print(f"n={n:3d} all: exact {summary['exact']:.1%}, max late {summary['max_late']} d, "
              f"max early {summary['max_early']} d, earliest = date − {summary['bound_days']} d")  # fmt: skip
        out["periods"][str(n)] = summary  # type: ignore[index]
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
