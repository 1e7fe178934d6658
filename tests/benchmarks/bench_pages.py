"""Server time of the main pages (Django test client: middleware, views, queries and templates),
median of repeated requests, at several plan sizes to show how cost grows with the number of actions."""
import statistics
import time

WARMUP, REPEATS = 2, 15
PAGE_TARGET_MS, PLAN_TARGET_MS, MINE_TARGET_MS = 500, 300, 150


def pages(b):
    """(label, url, who) for a benchmark partnership; add new pages here."""
    s, slug, pk = b.strategy, b.partnership.slug, b.strategy.pk
    return [
        ("action plan", f"/p/{slug}/strategies/{pk}/actions/", b.manager),
        ("my agency's actions", f"/p/{slug}/my-actions/", b.member),
        ("partnership dashboard", f"/p/{slug}/", b.manager),
        ("strategy overview", f"/p/{slug}/strategies/{s.pk}/", b.manager),
        ("action with most updates", f"/p/{slug}/actions/{b.busiest_action.pk}/", b.manager),
        ("audits", f"/p/{slug}/audits/", b.manager),
        ("exports", f"/p/{slug}/strategies/{pk}/exports/", b.manager),
        ("API action list (page of 50)", f"/api/v1/actions/?strategy={pk}", b.manager),
        ("API action list (page of 200)", f"/api/v1/actions/?strategy={pk}&page_size=200", b.manager),
        ("API progress", f"/api/v1/strategies/{pk}/progress/", b.manager),
    ]


def measure(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return statistics.median(times), len(ctx.captured_queries), len(response.content)


def run(partnerships):
    """Each page at each plan size; growth is compared with the smallest plan, targets at the largest."""
    from django.test import Client

    small, large = partnerships[0], partnerships[-1]
    print(f"\n== Server time, median of {REPEATS} (ms); Django test client, DEBUG off, PostgreSQL")
    print(f"{'page':32} " + " ".join(f"{b.size:>6} act" for b in partnerships)
          + "  " + " ".join(f"×{b.size // small.size:<5}" for b in partnerships[1:]) + f"  queries  KB at {large.size}")
    results, problems = {}, []
    for rows in zip(*(pages(b) for b in partnerships)):
        label = rows[0][0]
        measured = []
        for _, url, who in rows:
            client = Client()
            client.force_login(who)
            measured.append(measure(client, url))
        times = [m[0] for m in measured]
        queries = [m[1] for m in measured]
        ratios = [t / times[0] for t in times[1:]]
        results[label] = tuple(times)
        print(f"{label:32} " + " ".join(f"{t:10.1f}" for t in times) + "  "
              + " ".join(f"{r:6.1f}" for r in ratios) + f"  {'/'.join(map(str, queries)):8} {measured[-1][2] / 1024:7.0f}")
        if times[-1] > PAGE_TARGET_MS:
            problems.append(f"{label}: {times[-1]:.0f} ms at {large.size} actions (target < {PAGE_TARGET_MS} ms)")
        if ratios[-1] > large.size / small.size:
            problems.append(f"{label}: grows faster than the number of actions ({ratios[-1]:.1f}×)")
        if len(set(queries)) > 1:
            problems.append(f"{label}: {' / '.join(map(str, queries))} queries at "
                            f"{' / '.join(str(b.size) for b in partnerships)} actions")
    plan = results["action plan"][-1]
    if plan > PLAN_TARGET_MS:
        problems.append(f"action plan: {plan:.0f} ms at {large.size} actions (target < {PLAN_TARGET_MS} ms)")
    mine = results["my agency's actions"][-1]
    if mine > MINE_TARGET_MS:
        problems.append(f"my agency's actions: {mine:.0f} ms at {large.size} actions (target < {MINE_TARGET_MS} ms)")
    return results, problems


def export_time(b):
    """Ask for the strategy PDF as the request does (nothing rendered), render it as the worker does, and
    ask again with nothing changed (the finished export reused at once); report each time and the pages."""
    from exports import services
    from exports.models import StrategyExport

    StrategyExport.objects.filter(strategy=b.strategy).delete()
    start = time.perf_counter()
    export, _ = services.export_request(strategy=b.strategy, actor=b.manager)
    asked = time.perf_counter() - start
    start = time.perf_counter()
    export = services.export_render(export_id=export.pk)
    seconds = time.perf_counter() - start
    print(f"\n== PDF export of the {b.size}-action strategy: request {asked * 1000:.0f} ms, render in the worker "
          f"{seconds:.1f} s, {export.page_count} pages, status {export.status}")
    return seconds


def export_growth(partnerships):
    """The PDF export at each size, and how its request and render times grow from the smallest."""
    times = [(b.size, *_export_times(b)) for b in partnerships]
    print("\n== PDF export by size: request ms, render s, pages, and the render's growth from the smallest")
    for size, asked, seconds, pages in times:
        print(f"   {size:>5} actions: request {asked * 1000:6.0f} ms, render {seconds:6.1f} s, {pages:4} pages, "
              f"×{seconds / times[0][2]:.1f}")
    return times


def _export_times(b):
    from exports import services
    from exports.models import StrategyExport

    StrategyExport.objects.filter(strategy=b.strategy).delete()
    start = time.perf_counter()
    export, _ = services.export_request(strategy=b.strategy, actor=b.manager)
    asked = time.perf_counter() - start
    start = time.perf_counter()
    export = services.export_render(export_id=export.pk)
    return asked, time.perf_counter() - start, export.page_count


def reexport_time(b, runs=5):
    """An unchanged re-export: the request finds the finished export by its fingerprint (record versions)."""
    from exports import services
    from exports.document import document_fingerprint
    from exports.models import ExportStatus, StrategyExport

    if not StrategyExport.objects.filter(strategy=b.strategy, status=ExportStatus.DONE,
                                         fingerprint=document_fingerprint(b.strategy)
                                         ).exclude(file="").exclude(docx_file="").exists():
        StrategyExport.objects.create(strategy=b.strategy, version_label=b.strategy.version_label,
                                      strategy_status=b.strategy.status, status=ExportStatus.DONE,
                                      file="bench/unchanged.pdf", docx_file="bench/unchanged.docx",
                                      fingerprint=document_fingerprint(b.strategy))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _export, created = services.export_request(strategy=b.strategy, actor=b.manager)
        times.append(time.perf_counter() - start)
        assert not created, "an unchanged re-export queued a new export"
    median = sorted(times)[len(times) // 2]
    print(f"   unchanged re-export at {b.size} actions: {median * 1000:.1f} ms (median of {runs}; target < 100 ms)")
    return median
