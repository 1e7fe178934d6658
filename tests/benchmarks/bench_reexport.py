"""Benchmark of asking again for an unchanged strategy document, at 100, 1,000 and 2,000 actions.

Prints, per size (median of several runs, in one process after a warm-up):
- the fingerprint as it used to be taken in the request: build the whole document's HTML and hash it;
- the fingerprint from record versions (exports.document.document_fingerprint), and its query count;
- the whole unchanged re-export (exports.services.export_request finding the finished export).

    .venv/bin/python tests/benchmarks/bench_reexport.py
    .venv/bin/python tests/benchmarks/bench_reexport.py --sizes 1000

Uses the scratch database of bench_export.py (DATABASE_URL, by default an SQLite file under var/).
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_export  # noqa: E402  (sets the environment up before Django starts)


def timed(step, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,2000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bench_export.setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from exports.document import build_document, document_fingerprint, fingerprint_of
    from exports.models import ExportStatus, StrategyExport
    from exports.services import export_request
    from strategy.models import Strategy

    sizes = [int(s) for s in args.sizes.split(",")]
    strategies = bench_export.prepare(sizes)[1:]
    print(f"{'document':<14} {'HTML fingerprint (before)':>26} {'version fingerprint':>20} {'queries':>8} "
          f"{'unchanged re-export':>20}")
    for label, strategy_id in strategies:
        strategy = Strategy.objects.select_related("partnership").get(pk=strategy_id)
        build_document(strategy)  # warm: templates compiled, fonts found
        before = timed(lambda: fingerprint_of(build_document(strategy)[0]), max(1, args.runs // 2))
        after = timed(lambda: document_fingerprint(strategy), args.runs)
        with CaptureQueriesContext(connection) as queries:
            document_fingerprint(strategy)
        StrategyExport.objects.filter(strategy=strategy, file="bench/unchanged.pdf").delete()
        StrategyExport.objects.create(
            strategy=strategy, version_label=strategy.version_label, strategy_status=strategy.status,
            status=ExportStatus.DONE, file="bench/unchanged.pdf", fingerprint=document_fingerprint(strategy),
        )
        request = timed(lambda: export_request(strategy=strategy, actor=None), args.runs)
        export, created = export_request(strategy=strategy, actor=None)
        assert not created and export.file.name == "bench/unchanged.pdf", "the unchanged export was not reused"
        print(f"{label:<14} {before * 1000:>23.0f} ms {after * 1000:>17.1f} ms {len(queries):>8} "
              f"{request * 1000:>17.1f} ms")


if __name__ == "__main__":
    main()
