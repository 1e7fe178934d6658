"""Benchmark of the Word version: the demo strategy and a synthetic one of 1,000 actions.

For each it prints the time to build the document's HTML (the same HTML the PDF is rendered from), the
time to turn it into a .docx (partnerships/word.py), the file's size and the process's peak memory. The Word
version is rendered in the export's job beside the PDF, so this is what it adds to that job.

    .venv/bin/python tests/benchmarks/bench_word.py               # demo and 1,000 actions
    .venv/bin/python tests/benchmarks/bench_word.py --sizes 300   # the demo and other sizes

Uses the same scratch database as bench_export.py (DATABASE_URL, defaulting to a SQLite file under var/).
"""
import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_export  # noqa: E402  (sets the environment and the scratch database before Django starts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--repeat", type=int, default=3, help="renders per strategy; the best is printed")
    args = parser.parse_args()
    bench_export.setup_django()

    from exports.document import build_document_html
    from partnerships.word import render_docx
    from strategy.models import Strategy

    render_docx("<html lang='en-GB'><title>warm</title><body><p>Warm up imports.</p></body></html>")
    print(f"{'strategy':<14} {'HTML s':>7} {'DOCX s':>7} {'size KiB':>9} {'peak MiB':>9}")
    for label, strategy_id in bench_export.prepare(args.sizes):
        strategy = Strategy.objects.select_related("partnership").get(pk=strategy_id)
        started = time.perf_counter()
        html = build_document_html(strategy)
        html_seconds = time.perf_counter() - started
        best, data = None, b""
        for _ in range(args.repeat):
            started = time.perf_counter()
            data = render_docx(html)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{label:<14} {html_seconds:>7.2f} {best:>7.2f} {len(data) / 1024:>9.0f} {peak:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
