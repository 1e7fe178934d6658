"""Throughput and latency of the API under load: gunicorn on 127.0.0.1 with PostgreSQL, loaded by
wrk (Debian's `wrk`) or, without it, a small threaded Python loader; the API's endpoints side by
side with a bare Django JSON view on the same server in the same run."""
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

DURATION, CONNECTIONS, THREADS = 10, 4, 2


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(root, workers=2):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "partnership_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=root, env=os.environ.copy(),
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def parse_ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def with_wrk(url, token, headers=()):
    extra = [arg for name, value in headers for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "--timeout", "10s",
         "-H", f"Authorization: Token {token}", *extra, url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = parse_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = parse_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} failed responses under load")
    return rps, p50, p99


def with_python(url, token, headers=()):
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
    path = url.split(f":{port}", 1)[1]
    latencies, stop = [], time.perf_counter() + DURATION

    def worker():
        conn = http.client.HTTPConnection(host, int(port))
        while time.perf_counter() < stop:
            start = time.perf_counter()
            conn.request("GET", path, headers={"Authorization": f"Token {token}", **dict(headers)})
            response = conn.getresponse()
            response.read()
            if response.status not in (200, 304):
                raise RuntimeError(f"{url}: {response.status}")
            latencies.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return len(latencies) / DURATION, statistics.median(latencies), latencies[int(len(latencies) * 0.99)]


def _etag(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers["ETag"]


def run(root, partnerships):
    from partnerships.api_tokens import issue

    load = with_wrk if shutil.which("wrk") else with_python
    loader = "wrk" if load is with_wrk else "a Python loader (install wrk for better figures)"
    process, port = start_gunicorn(root)
    base = f"http://127.0.0.1:{port}"
    try:
        print(f"\n== API under load: gunicorn (2 sync workers) with PostgreSQL, {loader}, "
              f"{CONNECTIONS} connections, {DURATION} s each")
        print(f"{'endpoint':44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  vs bare")
        tokens = {b.manager.pk: issue(b.manager, name="Benchmark")[1] for b in partnerships}
        token = tokens[partnerships[-1].manager.pk]
        # Every worker answers each URL once before it is timed: a worker's first request imports and compiles
        # what it needs, which on a busy machine can outlast a whole timed run.
        for b in partnerships:
            for path in (f"/api/v1/actions/?strategy={b.strategy.pk}", f"/api/v1/strategies/{b.strategy.pk}/progress/"):
                for _ in range(4):
                    _etag(base + path, tokens[b.manager.pk])
        for _ in range(4):
            urllib.request.urlopen(base + "/bench/bare-json/", timeout=60).read()
        bare = load(base + "/bench/bare-json/", token)
        print(f"{'bare Django JSON view':44} {bare[0]:8.0f} {bare[1]:8.1f} {bare[2]:8.1f}  1.00")
        results = {"bare": bare}
        for b in partnerships:
            token = tokens[b.manager.pk]
            progress = f"/api/v1/strategies/{b.strategy.pk}/progress/"
            listing = f"/api/v1/actions/?strategy={b.strategy.pk}"
            etag, list_etag = _etag(base + progress, token), _etag(base + listing, token)
            for label, path, headers in (
                (f"action list, page of 50 ({b.size} actions)", listing, ()),
                (f"action list, 304 ({b.size} actions)", listing, (("If-None-Match", list_etag),)),
                (f"progress ({b.size} actions)", progress, ()),
                (f"progress, 304 ({b.size} actions)", progress, (("If-None-Match", etag),)),
            ):
                rps, p50, p99 = load(base + path, token, headers)
                results[label] = (rps, p50, p99)
                print(f"{label:44} {rps:8.0f} {p50:8.1f} {p99:8.1f}  {rps / bare[0] if bare[0] else float('nan'):.2f}")
    finally:
        process.terminate()
        process.wait(timeout=20)
    return results
