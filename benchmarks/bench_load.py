"""Load test: N simulated users replay a real browser's requests against a Kizuna server on this machine.

Each user opens the Overview, goes to the Planner, moves three sliders and downloads the city CSV
(and, with ``--pdf-share``, sometimes the PDF briefing), thinking 1–3 s between actions, and starts
again until ``--duration`` is over. The requests are the ones Chromium sent in a real session
(``benchmarks/load_flow.json``: the page, Dash's layout and dependencies, every
``/_dash-update-component`` callback in order); each user moves the sliders to values of its own,
so the server computes new scenarios as well as reusing cached ones. A new user also downloads the
page's JavaScript bundles once (as a browser with an empty cache does; later rounds have them cached).

Printed: p50/p95/p99 latency per kind of request (page, bundles, Dash set-up, interactive callbacks,
CSV and PDF downloads), throughput, errors, and the server's peak memory: the resident set size
(RSS) summed over the server process and all its children (gunicorn's master and workers, kaleido's
Chromium, background jobs), as the review measured it, and the proportional set size (PSS), which
counts memory shared between processes once.

A request whose kept-alive connection the server closes just as it is sent (a gunicorn worker replaced
after ``max_requests``) is sent once more on a new connection, as browsers do; these are counted apart.
A request that fails or times out (60 s) counts as an error.

Only loopback addresses are ever contacted, every request has a timeout and the run stops by itself.

Run (``make serve`` must not be running on the same port; ``--url`` connects to a running server)::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_load.py                      # gunicorn, 10 users, 60 s
    PYTHONPATH=. .venv/bin/python benchmarks/bench_load.py --users 50 --duration 600
    PYTHONPATH=. .venv/bin/python benchmarks/bench_load.py --server dev         # python app.py instead
    PYTHONPATH=. .venv/bin/python benchmarks/bench_load.py --url http://127.0.0.1:8050
    PYTHONPATH=. .venv/bin/python benchmarks/bench_load.py --capture            # record load_flow.json again

Record the flow again (``--capture``, Playwright with /usr/bin/chromium) whenever a page's callbacks
change: replayed requests that no longer match the app's callbacks come back as errors.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil
import requests

REPO_ROOT = Path(__file__).resolve().parents[1]
FLOW_FILE = Path(__file__).with_name("load_flow.json")
#: Longest run and most users this script accepts: it is a bounded benchmark, not a soak tool.
MAX_DURATION_S = 3600
MAX_USERS = 200
#: Seconds one request may take before it counts as an error.
REQUEST_TIMEOUT_S = 60
#: Seconds a started server has to answer its health URL.
START_TIMEOUT_S = 120
THINK_S = (1.0, 3.0)
ACCEPT_ENCODING = "gzip, deflate, br"
#: What is printed, in this order: the kind of each request of the flow.
KINDS = ("page", "bundles", "dash-setup", "callback", "download-csv", "download-pdf")
#: Steps of the flow: what the user does before the requests of the step are sent.
STEPS = ("overview", "planner", "slider-1", "slider-2", "slider-3", "csv", "pdf")
MEMORY_SAMPLE_S = 2.0


# --------------------------------------------------------------------------------------------
# The flow: capture once from Chromium, replay with each user's own slider values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slider:
    """A planner slider moved in the flow, and how its value shows in the requests."""

    name: str  # the control's name = the scenario field it sets
    param: str  # its parameter in the page's link
    captured: float  # the value it had in the captured session
    minimum: float
    maximum: float
    step: float


#: The three sliders the flow moves (one press of the right arrow each), with their range and step.
SLIDERS = (
    Slider("diesel_stock_multiplier", "diesel", 0.0, 0.0, 5.0, 0.25),
    Slider("essential_kwh_per_day", "ess", 0.0, 0.5, 12.0, 0.5),
    Slider("pv_multiplier", "pv", 0.0, 0.0, 10.0, 0.5),
)


def capture(base_url: str, out: Path) -> None:
    """Drive Chromium through the flow and write every request it sent to ``out`` (JSON)."""
    from playwright.sync_api import sync_playwright

    from components import ids
    from components import scenario_controls as sc

    records: list[dict[str, Any]] = []
    step = {"name": "overview"}

    def on_request(request) -> None:
        path = urlsplit(request.url).path
        if urlsplit(request.url).hostname not in ("127.0.0.1", "localhost"):
            return
        records.append({"step": step["name"], "method": request.method, "path": path,
                        "query": urlsplit(request.url).query, "body": request.post_data,
                        "kind": _kind(request.method, path, step["name"])})

    def idle(page) -> None:
        page.wait_for_function("() => document.querySelector('#_pages_content')?.children.length > 0"
                               " && document.querySelector('[data-dash-is-loading=\"true\"]') === null",
                               timeout=60_000)
        page.wait_for_timeout(1500)  # let chained callbacks start and finish

    sliders = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
        page = context.new_page()
        page.on("request", on_request)
        page.goto(f"{base_url}/overview")
        page.wait_for_selector(f"#{ids.OVERVIEW_KPIS} .kpi-card", timeout=60_000)
        idle(page)
        step["name"] = "planner"
        page.click(f"#{ids.NAV_LINK_PREFIX}planner")
        page.wait_for_selector(f"#{ids.PLANNER_KPIS} .kpi-card", timeout=60_000)
        idle(page)
        for number, slider in enumerate(SLIDERS, start=1):
            step["name"] = f"slider-{number}"
            dom_id = json.dumps(sc.control_id(ids.PAGE_PLANNER, slider.name), sort_keys=True, separators=(",", ":"))
            thumb = page.locator(f"[id='{dom_id}'] [role=slider]")
            thumb.focus()
            thumb.press("ArrowRight")
            idle(page)
            sliders.append({**slider.__dict__, "captured": float(thumb.get_attribute("aria-valuenow"))})
        for name, button in (("csv", ids.DOWNLOAD_CSV_CITY), ("pdf", ids.DOWNLOAD_PDF)):
            step["name"] = name
            page.click(f"#{ids.DOWNLOAD_MENU} summary")
            with page.expect_download(timeout=120_000):
                page.click(f"#{button}")
            idle(page)
            page.click(f"#{ids.DOWNLOAD_MENU} summary")
        browser.close()
    out.write_text(json.dumps({"captured_from": base_url, "sliders": sliders, "requests": records}, indent=1) + "\n")
    kinds = defaultdict(int)
    for record in records:
        kinds[record["kind"]] += 1
    print(f"wrote {out}: {len(records)} requests {dict(kinds)}; sliders {[s['captured'] for s in sliders]}")


def _kind(method: str, path: str, step: str) -> str:
    if path.startswith(("/_dash-component-suites/", "/assets/", "/_favicon")):
        return "bundles"
    if path in ("/_dash-layout", "/_dash-dependencies"):
        return "dash-setup"
    if path.endswith("/_dash-update-component"):
        return f"download-{step}" if step in ("csv", "pdf") else "callback"
    return "page" if method == "GET" else "other"


def load_flow(path: Path = FLOW_FILE) -> tuple[list[Slider], list[dict[str, Any]]]:
    """The captured sliders and requests (``--capture`` writes them)."""
    data = json.loads(path.read_text())
    sliders = [Slider(**slider) for slider in data["sliders"]]
    return sliders, [r for r in data["requests"] if r["kind"] in KINDS]


def user_values(sliders: list[Slider], rng: random.Random) -> list[float]:
    """A value on each slider's grid, drawn for one round of one user."""
    values = []
    for slider in sliders:
        steps = round((slider.maximum - slider.minimum) / slider.step)
        values.append(slider.minimum + slider.step * rng.randint(0, steps))
    return values


def replayed_body(body: str | None, step: str, sliders: list[Slider], values: list[float]) -> str | None:
    """``body`` with the sliders moved so far in the flow (before or at ``step``) set to ``values``."""
    if body is None or not step.startswith(("slider-", "csv", "pdf")):
        return body
    moved = len(sliders) if not step.startswith("slider-") else int(step.split("-")[1])
    changes = {s.name: v for s, v in zip(sliders[:moved], values[:moved], strict=True)}
    params = {s.param: v for s, v in zip(sliders[:moved], values[:moved], strict=True)}
    return json.dumps(_set_values(json.loads(body), changes, params))


def _set_values(node: Any, changes: dict[str, float], params: dict[str, float]) -> Any:
    if isinstance(node, dict):
        control = node.get("id")
        if isinstance(control, dict) and control.get("name") in changes and "value" in node:
            return {**node, "value": changes[control["name"]]}
        return {key: (changes[key] if key in changes and isinstance(value, int | float) and not isinstance(value, bool)
                      else _set_values(value, changes, params)) for key, value in node.items()}
    if isinstance(node, list):
        return [_set_values(item, changes, params) for item in node]
    if isinstance(node, str) and "=" in node:
        for param, value in params.items():
            node = re.sub(rf"(?<=[?&]){re.escape(param)}=[^&#\"]*", f"{param}={value:g}", node)
    return node


# --------------------------------------------------------------------------------------------
# The users
# --------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Latencies and errors by kind of request, shared by the user threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    rounds: int = 0
    bytes_in: int = 0
    #: Requests sent again after their kept-alive connection was closed under them (see :func:`_send`).
    resent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool, size: int, problem: str = "") -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.bytes_in += size
            if not ok:
                self.errors[kind] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{kind}: {problem}")


def run_user(number: int, base_url: str, sliders: list[Slider], flow: list[dict[str, Any]], deadline: float,
             tally: Tally, pdf_share: float, seed: int) -> None:
    """One user: rounds of the flow until ``deadline``; the bundles are fetched in the first round only."""
    rng = random.Random(seed * 1000 + number)
    session = requests.Session()
    session.headers.update({"Accept-Encoding": ACCEPT_ENCODING})
    time.sleep(rng.uniform(0, THINK_S[1]))  # users do not all arrive in the same second
    first_round = True
    while time.monotonic() < deadline:
        values = user_values(sliders, rng)
        wants_pdf = rng.random() < pdf_share
        step = None
        for record in flow:
            if record["kind"] == "bundles" and not first_round:
                continue
            if record["step"] == "pdf" and not wants_pdf:
                continue
            if record["step"] != step:
                if step is not None:
                    time.sleep(rng.uniform(*THINK_S))
                step = record["step"]
                if time.monotonic() >= deadline:
                    return
            _send(session, base_url, record, replayed_body(record["body"], step, sliders, values), tally)
        first_round = False
        with tally.lock:
            tally.rounds += 1
        time.sleep(rng.uniform(*THINK_S))


def _send(session: requests.Session, base_url: str, record: dict[str, Any], body: str | None, tally: Tally) -> None:
    url = base_url + record["path"] + (f"?{record['query']}" if record["query"] else "")
    started = time.perf_counter()
    try:
        try:
            response = _request(session, url, record["method"], body)
        except requests.ConnectionError:
            # A kept-alive connection closed by the server just as the request went out (a worker replaced after
            # max_requests): browsers send the request again on a new connection, and so does this user.
            with tally.lock:
                tally.resent += 1
            response = _request(session, url, record["method"], body)
        size = len(response.raw.read(decode_content=False))  # bytes on the wire (compressed if it was)
        seconds = time.perf_counter() - started
        ok = response.status_code < 400
        tally.add(record["kind"], seconds, ok, size, "" if ok else f"{response.status_code} {record['path']}")
    except requests.RequestException as problem:
        tally.add(record["kind"], time.perf_counter() - started, False, 0, f"{type(problem).__name__} {record['path']}")


def _request(session: requests.Session, url: str, method: str, body: str | None) -> requests.Response:
    if method == "POST":
        return session.post(url, data=body, timeout=REQUEST_TIMEOUT_S, stream=True,
                            headers={"Content-Type": "application/json"})
    return session.get(url, timeout=REQUEST_TIMEOUT_S, stream=True)


# --------------------------------------------------------------------------------------------
# The server and its memory
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(kind: str, port: int) -> subprocess.Popen:
    """``gunicorn -c gunicorn.conf.py`` or ``python app.py`` on 127.0.0.1:``port``, in its own process group."""
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "PYTHONPATH": str(REPO_ROOT)}
    python = Path(sys.executable)
    command = ([str(python.with_name("gunicorn")), "-c", "gunicorn.conf.py"] if kind == "gunicorn"
               else [str(python), "app.py"])
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_until_up(base_url: str, timeout_s: float = START_TIMEOUT_S) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        try:
            if requests.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise SystemExit(f"{base_url} did not answer within {timeout_s:.0f} s")


def listening_process(port: int) -> psutil.Process | None:
    """The server listening on ``port``: gunicorn's master rather than the worker the kernel names."""
    pids = {c.pid for c in psutil.net_connections(kind="tcp")
            if c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN and c.pid}
    if not pids:
        return None
    process = psutil.Process(min(pids))
    # gunicorn's workers are forks of the master and share its socket and its command line.
    while (parent := process.parent()) is not None and parent.cmdline() == process.cmdline():
        process = parent
    return process


def tree_cpu_seconds(root: psutil.Process) -> float:
    """CPU seconds (user + system) used so far by ``root``, its live descendants and the children it has reaped."""
    total = 0.0
    try:
        times = root.cpu_times()
        total += times.user + times.system + times.children_user + times.children_system
        descendants = root.children(recursive=True)
    except psutil.Error:
        return total
    for process in descendants:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


@dataclass
class MemoryPeak:
    rss_bytes: int = 0
    pss_bytes: int = 0
    processes: int = 0
    first_rss_bytes: int = 0
    last_rss_bytes: int = 0
    samples: list[tuple[float, int, int]] = field(default_factory=list)
    #: PSS by kind of process (the server's Python processes, Chromium, …) when the PSS sum peaked.
    pss_by_kind_at_peak: dict[str, int] = field(default_factory=dict)


def _process_kind(process: psutil.Process) -> str:
    name = process.name()
    return "chromium (reports)" if "chrom" in name else "python (server)" if name.startswith(("python", "gunicorn")) \
        else name


def watch_memory(root: psutil.Process, stop: threading.Event, peak: MemoryPeak) -> None:
    """Sample the RSS and PSS summed over ``root`` and its descendants until ``stop`` is set."""
    started = time.monotonic()
    while not stop.is_set():
        rss = pss = count = 0
        by_kind: dict[str, int] = defaultdict(int)
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        for process in tree:
            try:
                info = process.memory_full_info()
                kind = _process_kind(process)
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
            by_kind[kind] += getattr(info, "pss", info.rss)
            count += 1
        peak.rss_bytes = max(peak.rss_bytes, rss)
        if pss > peak.pss_bytes:
            peak.pss_bytes = pss
            peak.pss_by_kind_at_peak = dict(by_kind)
        peak.processes = max(peak.processes, count)
        peak.first_rss_bytes = peak.first_rss_bytes or rss
        peak.last_rss_bytes = rss
        peak.samples.append((time.monotonic() - started, rss, pss))
        stop.wait(MEMORY_SAMPLE_S)


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def report(tally: Tally, seconds: float, memory: MemoryPeak | None, label: str, cpu_s: float | None = None) -> None:
    total = sum(len(v) for v in tally.latencies.values())
    errors = sum(tally.errors.values())
    print(f"== {label}: {seconds:.0f} s, {tally.rounds} rounds, {total} requests, {total / seconds:.1f} requests/s,"
          f" {errors} errors, {tally.resent} sent again on a new connection, {tally.bytes_in / 1e6:.1f} MB received")
    print(f"  {'kind':<14} {'count':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    interactive = [k for k in KINDS if k != "bundles"]
    rows = [(k, tally.latencies.get(k, [])) for k in KINDS]
    rows.append(("all but bundles", [x for k in interactive for x in tally.latencies.get(k, [])]))
    for kind, values in rows:
        if not values:
            continue
        kind_errors = sum(tally.errors.get(k, 0) for k in interactive) if kind == "all but bundles" \
            else tally.errors.get(kind, 0)
        print(f"  {kind:<14} {len(values):>6} {kind_errors:>6} {1e3 * percentile(values, 0.50):>8.0f}"
              f" {1e3 * percentile(values, 0.95):>8.0f} {1e3 * percentile(values, 0.99):>8.0f}"
              f" {1e3 * max(values):>8.0f}")
    for sample in tally.error_samples:
        print(f"  error: {sample}")
    if cpu_s is not None:
        rounds = f", {cpu_s / tally.rounds:.1f} s per round of the flow" if tally.rounds else ""
        print(f"  server CPU: {cpu_s:.0f} s ({cpu_s / seconds:.2f} cores busy on average){rounds};"
              f" machine load average {os.getloadavg()[0]:.1f}")
    if memory is not None and memory.rss_bytes:
        mb = 1024**2
        print(f"  server memory: peak RSS sum {memory.rss_bytes / mb:.0f} MB,"
              f" peak PSS sum {memory.pss_bytes / mb:.0f} MB,"
              f" at most {memory.processes} processes; RSS sum at start {memory.first_rss_bytes / mb:.0f} MB,"
              f" at the end {memory.last_rss_bytes / mb:.0f} MB")
        print("  PSS at its peak by kind of process [MB]: " + ", ".join(
            f"{kind} {size / mb:.0f}" for kind, size in sorted(memory.pss_by_kind_at_peak.items())))
        if len(memory.samples) > 4:
            quarter = max(1, len(memory.samples) // 4)
            print("  RSS sum by quarter of the run [MB]: " + ", ".join(
                f"{statistics.mean(s[1] for s in memory.samples[i:i + quarter]) / mb:.0f}"
                for i in range(0, quarter * 4, quarter)))


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def loopback_url(url: str) -> str:
    """``url`` without a trailing slash, if its host is a loopback address; else exit."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"--url must be a loopback address (127.0.0.0/8, localhost, ::1), not {host!r}")
    return url.rstrip("/")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on this machine (default: start one)")
    parser.add_argument("--server", choices=("gunicorn", "dev"), default="gunicorn",
                        help="what to start without --url: gunicorn -c gunicorn.conf.py, or python app.py")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (at most 3600)")
    parser.add_argument("--pdf-share", type=float, default=0.05, help="share of rounds that also get the PDF")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--capture", action="store_true", help=f"record {FLOW_FILE.name} from Chromium and stop")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= MAX_USERS:
        parser.error(f"--users must be 1–{MAX_USERS}")
    if not 1 <= args.duration <= MAX_DURATION_S:
        parser.error(f"--duration must be 1–{MAX_DURATION_S} s")
    if not 0 <= args.pdf_share <= 1:
        parser.error("--pdf-share must be 0–1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    process = None
    if args.url:
        base_url = loopback_url(args.url)
    else:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        process = start_server(args.server, port)
    try:
        print(f"server {base_url} up after {wait_until_up(base_url):.1f} s")
        if args.capture:
            capture(base_url, FLOW_FILE)
            return
        sliders, flow = load_flow()
        root = listening_process(urlsplit(base_url).port or 80)
        memory = MemoryPeak() if root else None
        stop = threading.Event()
        watcher = threading.Thread(target=watch_memory, args=(root, stop, memory), daemon=True) if root else None
        if watcher:
            watcher.start()
        tally = Tally()
        cpu_before = tree_cpu_seconds(root) if root else None
        started = time.monotonic()
        deadline = started + args.duration
        users = [threading.Thread(target=run_user, daemon=True, name=f"user-{n}",
                                  args=(n, base_url, sliders, flow, deadline, tally, args.pdf_share, args.seed))
                 for n in range(args.users)]
        for user in users:
            user.start()
        for user in users:
            user.join(timeout=args.duration + 2 * REQUEST_TIMEOUT_S + 10)
        seconds = time.monotonic() - started
        cpu_s = tree_cpu_seconds(root) - cpu_before if root else None
        stop.set()
        if watcher:
            watcher.join(timeout=30)
        label = f"{args.users} users, {args.server if process else base_url}"
        report(tally, seconds, memory, label, cpu_s)
    finally:
        if process is not None:
            stop_server(process)


if __name__ == "__main__":
    main()
