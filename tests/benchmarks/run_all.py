"""Every benchmark in one run: `make benchmarks` (needs PostgreSQL in BENCH_DATABASE_URL or DATABASE_URL).

Generates (once, kept in the database) partnerships with 100, 1,000 and 2,000 actions (10 updates per
action) and 20 audits each, then prints, at each size and with how it grows from the smallest, the server
time of the main pages, the PDF export (request, render in the worker, unchanged re-export), and the API's
throughput (full and 304 answers) beside a bare Django view. `--no-export` leaves out the PDF renders. Figures only: nothing here is a
test, and the targets are reported, not asserted.
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import setup_django  # noqa: E402

SIZES = (100, 1000, 2000)


def main():
    url = setup_django.setup()
    import os

    import bench_api
    import bench_pages
    from data import bench_partnership

    print(f"Database: {url.rsplit('@', 1)[-1]}; {os.cpu_count()} CPUs, load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + " (figures are only comparable on a quiet machine)")
    start = time.perf_counter()
    partnerships = [bench_partnership(size) for size in SIZES]
    print(f"Benchmark data ready in {time.perf_counter() - start:.1f} s "
          f"(sizes {', '.join(str(s) for s in SIZES)} actions, 10 updates per action, 20 audits each)")

    _, problems = bench_pages.run(partnerships)
    if "--no-export" not in sys.argv:
        bench_pages.export_growth(partnerships)
    for b in partnerships:
        if bench_pages.reexport_time(b) >= 0.1:
            problems.append(f"an unchanged re-export at {b.size} actions takes 100 ms or more")
    api = bench_api.run(setup_django.ROOT, partnerships)
    bare = api["bare"][0] or float("nan")
    progress = api[f"progress ({SIZES[-1]} actions)"][0] / bare
    not_modified = api[f"progress, 304 ({SIZES[-1]} actions)"][0] / bare
    list_not_modified = api[f"action list, 304 ({SIZES[-1]} actions)"][0] / bare
    if not progress >= 0.2:
        problems.append(f"full progress answers at {progress:.2f} of the bare view's throughput (target ≥ 0.2)")
    if not not_modified >= 0.5:
        problems.append(f"304 progress answers at {not_modified:.2f} of the bare view's throughput (target ≥ 0.5)")
    if not list_not_modified >= 0.5:
        problems.append(f"304 action-list answers at {list_not_modified:.2f} of the bare view's throughput "
                        "(target ≥ 0.5)")
    print("\n== How the API's cost grows (requests per second at each size, and the largest size's share of the "
          "smallest's)")
    for kind in ("action list, page of 50", "action list, 304", "progress", "progress, 304"):
        rates = [api[f"{kind} ({size} actions)"][0] for size in SIZES]
        print(f"{kind:32} " + " ".join(f"{r:8.0f}" for r in rates) + f"   ×{rates[-1] / rates[0]:.2f}")

    print(f"\n== Targets (load average now {os.getloadavg()[0]:.1f})")
    print("\n".join(f"MISSED: {p}" for p in problems) or "All met: action plan < 300 ms, every page < 500 ms, "
          "growth at most linear, equal query counts, 304s ≥ half and full progress ≥ 0.2 of the bare view's "
          "throughput.")


if __name__ == "__main__":
    main()
