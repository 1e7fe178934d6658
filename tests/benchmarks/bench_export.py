"""Benchmark of the published document: the demo strategy and synthetic ones of 60, 300 and 1,000 actions.

For each it prints the render time through the full path (data assembly, templating and
WeasyPrint, as the export task runs it) against WeasyPrint alone on the final HTML, the page
count, the peak memory of the process and the number of queries the data assembly takes.
Each strategy is measured in its own process, so peak memory is that strategy's. A second
process renders it once more phase by phase and prints its resident memory after, and its peak
during, each phase (Linux: /proc/self/status, peak reset through /proc/self/clear_refs).

    .venv/bin/python tests/benchmarks/bench_export.py            # all sizes
    .venv/bin/python tests/benchmarks/bench_export.py --sizes 60  # a subset

Uses DATABASE_URL, defaulting to a scratch SQLite file under var/ (beside the stored files) that it fills itself.
"""
import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_portal.settings")
os.environ.setdefault("DEBUG", "1")
# A scratch database beside this checkout's own file storage (var/), so the logos it stores are found again.
(ROOT / "var").mkdir(exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_export.sqlite3'}")
os.environ.setdefault("LOG_LEVEL", "WARNING")

WORDS = (
    "partners agree a shared approach to recognising signs of child sexual abuse in families and schools "
    "so that children are helped to tell and professionals respond with confidence and care across agencies"
).split()


def setup_django():
    import django

    django.setup()


def sentence(seed, length):
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(length)).capitalize() + "."


def synthetic_strategy(n_actions):
    """A strategy like a partnership's: eleven written sections, seven aims and n actions."""
    from django.db import transaction

    from actionplan.models import Action
    from partnerships.models import Agency, CoreComponent, Partnership, Recommendation
    from strategy.models import IntendedOutcome, Section, StrategicAim, Strategy
    from strategy.template import TEMPLATE_SECTIONS

    name = f"Benchmark {n_actions} Safeguarding Children Partnership"
    existing = Strategy.objects.filter(partnership__name=name).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        partnership = Partnership.objects.create(name=name, slug=f"bench-{n_actions}", area="Benchmark area")
        agencies = [
            Agency.objects.create(partnership=partnership, name=f"Agency {k} of the benchmark partnership",
                                  short_name=f"Agency {k}", sector="local_authority")
            for k in range(8)
        ]
        strategy = Strategy.objects.create(
            partnership=partnership, title="Child Sexual Abuse Strategy", period_start=2026, period_end=2029,
            vision=sentence(1, 30), strapline="Seen, heard, helped",
        )
        body = "\n\n".join(sentence(k, 90) for k in range(4)) + "\n\n### Where we are now\n\n" + "\n".join(
            f"- {sentence(k, 14)}" for k in range(6)
        )
        Section.objects.bulk_create(
            Section(strategy=strategy, template_key=t.key, title=t.title, position=t.number * 10, body=body)
            for t in TEMPLATE_SECTIONS
        )
        outcomes = []
        for a in range(1, 8):
            aim = StrategicAim.objects.create(strategy=strategy, number=a, title=sentence(a, 12),
                                              what_this_means=sentence(a, 45), what_we_want_to_see=sentence(a, 40))
            outcomes += [IntendedOutcome.objects.create(aim=aim, number=o, text=sentence(a + o, 18)) for o in (1, 2)]
        components = list(CoreComponent.objects.all())
        recommendations = list(Recommendation.objects.all())
        actions = Action.objects.bulk_create(
            Action(
                strategy=strategy, outcome=outcomes[i % len(outcomes)], reference=f"{i % 7 + 1}.{i // 7 + 1}",
                text=sentence(i, 22), lead_agency=agencies[i % len(agencies)], lead_name="Head of Safeguarding",
                start_year=1 + i % 3, end_year=1 + i % 3 + (i % 2), core_component=components[i % len(components)],
                measures_text=sentence(i + 3, 26),
            )
            for i in range(n_actions)
        )
        Action.supporting_agencies.through.objects.bulk_create(
            Action.supporting_agencies.through(action_id=a.pk, agency_id=agencies[(i + 1) % len(agencies)].pk)
            for i, a in enumerate(actions)
        )
        Action.recommendations.through.objects.bulk_create(
            Action.recommendations.through(action_id=a.pk, recommendation_id=recommendations[i % 5].pk)
            for i, a in enumerate(actions)
        )
    return strategy


def prepare(sizes):
    """Migrate, load the demo and make the synthetic strategies; return [(label, strategy id)]."""
    from django.core.management import call_command

    from strategy.models import Strategy

    call_command("migrate", verbosity=0)
    if not Strategy.objects.filter(partnership__slug="demo").exists():
        call_command("load_demo", stdout=io.StringIO())
    demo = Strategy.objects.filter(partnership__slug="demo").order_by("created_at").first()
    return [("demo", demo.pk)] + [(f"{n} actions", synthetic_strategy(n).pk) for n in sizes]


def warm_worker(strategy_id):
    """Render once, as a worker that has rendered before would have (fonts, imports, compiled templates);
    return a loader of the strategy."""
    from exports.document import build_document, render_pdf
    from strategy.models import Strategy

    def load():
        return Strategy.objects.select_related("partnership").get(pk=strategy_id)

    render_pdf("<html lang='en'><title>warm</title><p>Warm up fonts and imports.</p></html>")
    build_document(load())
    return load


def measure_one(strategy_id):
    """Run in a child process: time the full path and WeasyPrint alone, count queries, report peak memory."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from exports.document import build_document, document_context, render_pdf

    load = warm_worker(strategy_id)
    with CaptureQueriesContext(connection) as queries:
        document_context(load())

    # CPU time of this process, so that other work on a shared machine does not distort the ratio;
    # wall-clock time is reported beside it.
    cpu, wall = time.process_time(), time.perf_counter()
    html, _ = build_document(load())
    assembly_cpu = time.process_time() - cpu
    pdf, pages = render_pdf(html)
    full_cpu, full_wall = time.process_time() - cpu, time.perf_counter() - wall

    cpu, wall = time.process_time(), time.perf_counter()
    render_pdf(html)
    alone_cpu, alone_wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "queries": len(queries.captured_queries), "pages": pages, "pdf_bytes": len(pdf),
        "full_cpu_s": full_cpu, "weasyprint_cpu_s": alone_cpu, "assembly_cpu_s": assembly_cpu,
        "full_wall_s": full_wall, "weasyprint_wall_s": alone_wall,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def resident_mib():
    """(current, peak since the last reset) resident memory of this process in MiB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return tuple(int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM"))


def measure_phases(strategy_id):
    """Run in a child process: render once, phase by phase as `render_pdf` does, with the memory of each."""
    from exports.document import build_document
    from partnerships.pdf import parse_html, write_tagged_pdf

    load = warm_worker(strategy_id)
    phases = [("worker", *resident_mib())]

    def phase(label, step):
        Path("/proc/self/clear_refs").write_text("5")  # restart the peak from the current size
        result = step()
        phases.append((label, *resident_mib()))
        return result

    html, _ = phase("assembly", lambda: build_document(load()))
    source = phase("parse", lambda: parse_html(html))
    document = phase("cascade and layout", source.render)
    phase("write_pdf", lambda: write_tagged_pdf(document, io.BytesIO()))
    return phases


def child(option, strategy_id):
    """Measure in a process of its own, so that its peak memory is this strategy's alone."""
    out = subprocess.run([sys.executable, __file__, option, str(strategy_id)], capture_output=True, text=True,
                         check=True, env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[60, 300, 1000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--phases", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    if args.one:
        print(json.dumps(measure_one(args.one)))
        return
    if args.phases:
        print(json.dumps(measure_phases(args.phases)))
        return
    rows = []
    for label, strategy_id in prepare(args.sizes):
        result = child("--one", strategy_id)
        rows.append((label, result))
        r = result
        overhead = (r["full_cpu_s"] / r["weasyprint_cpu_s"] - 1) * 100
        print(f"{label:>13}: {r['pages']:4d} pages | CPU: full path {r['full_cpu_s']:6.2f} s, WeasyPrint alone "
              f"{r['weasyprint_cpu_s']:6.2f} s, difference {overhead:+5.1f}% (assembly and templates "
              f"{r['assembly_cpu_s']:.2f} s) | wall: {r['full_wall_s']:6.2f} s vs {r['weasyprint_wall_s']:6.2f} s | "
              f"peak {r['peak_mib']:4.0f} MiB | data assembly {r['queries']} queries", flush=True)
        phases = child("--phases", strategy_id)
        before_weasyprint = phases[1][1]
        print(" " * 15 + "memory (resident after, peak during): " + " | ".join(
            f"{phase} {current:.0f}" + ("" if phase == "worker" else f", peak {peak:.0f}")
            for phase, current, peak in phases
        ) + f" MiB; WeasyPrint adds {max(peak for _, _, peak in phases[2:]) - before_weasyprint:.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
