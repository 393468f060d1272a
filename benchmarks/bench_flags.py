"""Flags speed: the deadline, repeat, cluster and severity rules (`addin.core.flags.assess`), compute only.

    python benchmarks/bench_flags.py [--rows N] [--repeat 3]

Without --rows, runs 100,000 and then 1,000,000 complaints; with --rows N (detected on the
command line, since the shared parser defaults it to 100,000), only N. --keep is accepted
and ignored: nothing is written.

No workbook is involved: a seeded generator builds the parsed log (`addin.core.validate.Parsed`)
in memory, with receipts over the 365 days before the as-of time, repeat customers (a third
as many customers as complaints, a few heavy ones), ~40% of complaints with a subject from a
few hundred, most resolved within 7 days, ~10% still open and a few recorded pauses.
Generation is not timed. Per size, `assess` is timed in calendar mode and in business mode
(China's official calendar), interleaved, and the medians over --repeat runs are printed
with seconds per 100k rows (the target: <= 2 s per 100k), then the flag counts and clusters
of one run (to show the data is plausible). Peak resident memory of the whole process
(generation included) is printed at the end.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import time
from datetime import datetime, timedelta

import harness

AS_OF = datetime(2026, 11, 21, 9)
SIZES = (100_000, 1_000_000)
TARGET = 2.0  # seconds per 100k rows
CATEGORIES = {  # key -> weight
    "engineering_quality": 30,
    "planning_design": 8,
    "sales_management": 12,
    "property_management": 20,
    "customer_service": 10,
    "product_quality": 10,
    "parts_supply": 5,
    "other": 5,
}
SEVERITIES = {"general": 70, "important": 20, "hot": 8, "major": 2}
OPEN_STATUSES = {"open": 30, "in_progress": 40, "waiting": 20, "reopened": 10}
REGIONS = ("华东", "华南", "华北", "华中", "西南", "西北", "东北", "京津", "长三角", "珠三角")
SUBJECTS = 300
TOPICS = ("外墙渗水", "墙面裂缝", "噪音扰民", "延期交付", "物业收费", "电梯故障", "车位纠纷")
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def generate(n: int, seed: int = 1) -> tuple[list[int], dict[str, list[object]]]:
    """Row numbers and the parsed columns of a plausible log of `n` complaints (same seed, same log)."""
    rng = random.Random(seed)
    customers = [f"CU{k:07d}" for k in range(max(1, n // 3))]
    heavy = customers[: max(1, len(customers) // 100)]  # 1% of customers file ~10% of the complaints
    subjects = [f"{rng.choice(TOPICS)} {k:03d}" for k in range(SUBJECTS)]
    owners = [f"专员{k:02d}" for k in range(50)]
    cats, cat_w = list(CATEGORIES), list(CATEGORIES.values())
    sevs, sev_w = list(SEVERITIES), list(SEVERITIES.values())
    opens, open_w = list(OPEN_STATUSES), list(OPEN_STATUSES.values())
    span = 365 * 86_400
    received = sorted(AS_OF - timedelta(seconds=rng.uniform(60, span)) for _ in range(n))  # logs run in receipt order
    columns: dict[str, list[object]] = {
        k: []
        for k in (
            "complaint_id", "received_at", "customer_id", "region", "category", "subject", "severity", "status",
            "owner", "first_response_at", "resolved_at", "paused_at", "resumed_at", "complainants", "legal", "media",
        )
    }  # fmt: skip
    for k, start in enumerate(received):
        age = AS_OF - start
        still_open = rng.random() < (0.5 if age < 14 * DAY else 0.09)
        status = rng.choices(opens, open_w)[0] if still_open else ("closed" if rng.random() < 0.6 else "resolved")
        # resolution (reopened ones keep their earlier one): mostly within 7 days, a tail up to 60
        draw = rng.random()
        took = rng.uniform(1, 168) if draw < 0.85 else rng.uniform(168, 720) if draw < 0.97 else rng.uniform(720, 1440)
        resolved = start + took * HOUR if status in ("resolved", "closed", "reopened") else None
        if resolved is not None and resolved > AS_OF:
            resolved = start + rng.random() * age
        responded = None
        if rng.random() < (0.95 if not still_open else 0.8):
            responded = start + rng.uniform(0.1, 30) * HOUR
            if resolved is not None and responded > resolved:
                responded = start + (resolved - start) / 2
            if responded > AS_OF:
                responded = None
        paused = resumed = None
        if rng.random() < 0.03:
            paused = start + rng.uniform(0, 48) * HOUR
            resumed = paused + rng.uniform(24, 120) * HOUR
            if resumed > AS_OF:
                paused = resumed = None
        draw = rng.random()
        people = 1 if draw < 0.965 else rng.randint(2, 6) if draw < 0.995 else rng.randint(10, 30)
        values = {
            "complaint_id": f"TS{k + 1:07d}",
            "received_at": start,
            "customer_id": rng.choice(heavy) if rng.random() < 0.1 else rng.choice(customers),
            "region": rng.choice(REGIONS),
            "category": rng.choices(cats, cat_w)[0],
            "subject": rng.choice(subjects) if rng.random() < 0.4 else None,
            "severity": rng.choices(sevs, sev_w)[0],
            "status": status,
            "owner": rng.choice(owners),
            "first_response_at": responded,
            "resolved_at": resolved,
            "paused_at": paused,
            "resumed_at": resumed,
            "complainants": people,
            "legal": rng.random() < 0.003,
            "media": rng.random() < 0.005,
        }
        for key, value in values.items():
            columns[key].append(value)
    return list(range(2, n + 2)), columns


def bench(n: int, repeat: int) -> tuple[dict[str, float], dict[str, int], int, tuple[int, ...]]:
    """Median seconds per mode; the flag counts and clusters of a calendar run; business mode's unknown years."""
    from addin.core.flags import assess
    from addin.core.settings import Settings
    from addin.core.validate import Parsed

    start = time.perf_counter()
    rows, values = generate(n)
    parsed = Parsed("投诉台账", rows, values)
    print(f"generated {n:,} complaints in {time.perf_counter() - start:.1f} s (not measured)", flush=True)
    settings = Settings()
    times: dict[str, list[float]] = {"calendar": [], "business": []}
    counts: dict[str, int] = {}
    clusters, unknown = 0, ()
    for _ in range(repeat):  # interleaved, so machine noise hits both alike
        for mode in times:
            start = time.perf_counter()
            report = assess(parsed, settings, as_of=AS_OF, business=mode == "business")
            times[mode].append(time.perf_counter() - start)
            if mode == "calendar" and not counts:
                counts, clusters = report.counts(), len(report.clusters)
            if mode == "business":
                unknown = report.unknown_years
            assert len(report.assessments) == n
            del report
    return {k: statistics.median(v) for k, v in times.items()}, counts, clusters, unknown


def rows_given() -> bool:
    return any(a == "--rows" or a.startswith("--rows=") for a in sys.argv[1:])


def main() -> None:
    args = harness.arguments(__doc__)
    sizes = (args.rows,) if rows_given() else SIZES
    results = {n: bench(n, args.repeat) for n in sizes}
    print(f"\nmedians over {args.repeat} run(s), as of {AS_OF:%Y-%m-%d %H:%M}; target <= {TARGET:g} s per 100k rows")
    print(f"{'rows':>10}{'calendar s':>12}{'business s':>12}{'cal s/100k':>12}{'bus s/100k':>12}")
    for n, (median, *_) in results.items():
        per = {k: v * 100_000 / n for k, v in median.items()}
        print(
            f"{n:>10,}{median['calendar']:>12.3f}{median['business']:>12.3f}"
            f"{per['calendar']:>12.3f}{per['business']:>12.3f}"
        )
    for n, (_, counts, clusters, unknown) in results.items():
        print(f"\n{n:,} complaints (calendar mode): {clusters:,} clusters")
        for name, count in counts.items():
            print(f"  {name:<20}{count:>10,}{count / n:>8.1%}")
        if unknown:
            print(f"  (business mode: years outside the official calendar: {', '.join(map(str, unknown))})")
    print(f"\npeak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (whole process)")


if __name__ == "__main__":
    main()
