"""Server time of the main pages (Django test client: middleware, views, queries and templates),
median of repeated requests, at two plan sizes to show how cost grows with the number of actions."""
import statistics
import time

WARMUP, REPEATS = 2, 15
PAGE_TARGET_MS, PLAN_TARGET_MS = 500, 300


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
    from django.test import Client

    small, large = partnerships
    print(f"\n== Server time, median of {REPEATS} (ms); Django test client, DEBUG off, PostgreSQL")
    print(f"{'page':32} {small.size:>6} act {large.size:>6} act  ratio  queries  KB at {large.size}")
    results, problems = {}, []
    for (label, url_small, who_small), (_, url_large, who_large) in zip(pages(small), pages(large)):
        row = []
        for url, who in ((url_small, who_small), (url_large, who_large)):
            client = Client()
            client.force_login(who)
            row.append(measure(client, url))
        (t_small, q_small, _), (t_large, q_large, size) = row
        ratio = t_large / t_small
        results[label] = (t_small, t_large)
        print(f"{label:32} {t_small:10.1f} {t_large:10.1f} {ratio:6.1f} {q_small:>4}/{q_large:<4} {size / 1024:7.0f}")
        if t_large > PAGE_TARGET_MS:
            problems.append(f"{label}: {t_large:.0f} ms at {large.size} actions (target < {PAGE_TARGET_MS} ms)")
        if ratio > large.size / small.size:
            problems.append(f"{label}: grows faster than the number of actions ({ratio:.1f}×)")
        if q_small != q_large:
            problems.append(f"{label}: {q_small} queries at {small.size} actions, {q_large} at {large.size}")
    plan = results["action plan"][1]
    if plan > PLAN_TARGET_MS:
        problems.append(f"action plan: {plan:.0f} ms at {large.size} actions (target < {PLAN_TARGET_MS} ms)")
    return results, problems


def export_time(b):
    """Render the strategy PDF in-process, as the worker would, and report the time and pages."""
    from exports import services
    from exports.models import StrategyExport

    StrategyExport.objects.filter(strategy=b.strategy).delete()
    start = time.perf_counter()
    export, _ = services.export_request(strategy=b.strategy, actor=b.manager)
    seconds = time.perf_counter() - start
    export.refresh_from_db()
    print(f"\n== PDF export of the {b.size}-action strategy: {seconds:.1f} s, {export.page_count} pages, "
          f"status {export.status}")
    return seconds
