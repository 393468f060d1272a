"""Summary and e-mail speed: what `complaints run` and `complaints email` add on top of the checks.

    python benchmarks/bench_summary.py [--rows 100000] [--repeat 3] [--keep DIR]

Writes the sample workbook with --rows complaints and 2,000 survey rows (not timed), reads it
once, and times in one process, interleaved, medians over --repeat runs:
* analyse: validation, scores and flags (`addin.core.job.analyse`, the work both commands share);
* summary: the whole-company summary and every region's slice (`summary.summarise`);
* workbook: the standalone `<stem>.summary.xlsx` in memory (Summary, Scores, Flags), as
  `complaints run` writes it;
* mail: every message of `complaints email --by-region --dry-run` composed, bodies and
  attached workbooks included (`addin.mail.plan.plan`), no network.
The attachments repeat the Flags rows (the whole company's, then each region's), so the mail
costs about two summary workbooks; the target is mail <= 2.5 x workbook, i.e. nothing beyond
the cells themselves. It also prints the size of each message (servers often refuse more
than 25 MB) and the peak resident memory of the process.
"""

from __future__ import annotations

import resource
import statistics
import time
from datetime import datetime

import harness

from addin.build.sample import write_sample
from addin.core.job import summary_of
from addin.files.reader import load
from addin.files.run import JOBS, Options, analyse
from addin.files.xlsx_writer import pages_bytes
from addin.mail.plan import plan
from addin.mail.recipients import find_recipients
from addin.pages.plan import Output, Pages

AS_OF = datetime(2026, 11, 21, 9)
TARGET_RATIO = 2.5


def main() -> None:
    args = harness.arguments(__doc__)
    folder = harness.folder(args, "bench-summary-")
    path = folder / "summary-bench.xlsx"
    write_sample(path, rows=args.rows, survey_rows=2_000, lang="en", seed=7)
    loaded = load(path)
    recipients = find_recipients(loaded.sheets)
    options = Options(as_of=AS_OF, jobs=JOBS)
    times: dict[str, list[float]] = {"analyse": [], "summary": [], "workbook": [], "mail": []}
    messages = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = analyse(path, loaded.sheets, options, date1904=loaded.date1904, owned=loaded.owned)
        times["analyse"].append(time.perf_counter() - start)
        assert result.summary is not None
        start = time.perf_counter()
        for region, _ in result.summary.regions:
            summary_of(result, region)
        summary_of(result)
        times["summary"].append(time.perf_counter() - start)
        start = time.perf_counter()
        assert result.flags is not None
        pages_bytes([p.content(None) for p in Pages(result).plan(Output.SUMMARY)])
        times["workbook"].append(time.perf_counter() - start)
        start = time.perf_counter()
        messages = plan(result, recipients, source="bench", to=("boss@example.com",), by_region=True).messages
        times["mail"].append(time.perf_counter() - start)
    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"{args.rows:,} complaints, 2,000 survey rows, {len(messages)} messages, median of {args.repeat}")
    for name, seconds in median.items():
        print(f"  {name:<8} {seconds:7.2f} s")
    ratio = median["mail"] / median["workbook"]
    print(f"  summary/analyse {median['summary'] / median['analyse']:.3f}")
    print(f"  mail/workbook   {ratio:.2f} (target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'MISSED'})")
    for outgoing in messages:
        print(f"  {outgoing.audience or 'whole company':<14} {len(outgoing.message.as_bytes()) / 1e6:6.2f} MB")
    print(f"peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
