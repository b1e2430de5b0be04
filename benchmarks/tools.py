"""Small helpers for benchmarks/bench.sh (standard library only).

    python -m benchmarks.tools free-port
    python -m benchmarks.tools wait URL SECONDS     # until URL answers 200
    python -m benchmarks.tools status URL           # print the HTTP status
    python -m benchmarks.tools report OUT.json LABEL=WRK_OUTPUT ...

`report` reads wrk's `--latency` output, prints requests/s, p50 and p99 per
path and each path's requests/s relative to the first one (the bare view),
writes the same figures as JSON, and exits 1 if any run saw errors or
non-2xx/3xx responses (such a run measures nothing useful).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import sys
import time
from pathlib import Path

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def _local_only(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    if host not in _LOCAL_HOSTS:
        raise SystemExit(f"refusing non-local URL {url!r}")
    return url


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(url: str) -> int:
    """HTTP status of a GET on a loopback URL (redirects are not followed)."""
    rest = _local_only(url).split("://", 1)[1]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.rpartition(":")
    connection = http.client.HTTPConnection(host.strip("[]"), int(port), timeout=10)
    try:
        connection.request("GET", "/" + path)
        return connection.getresponse().status
    finally:
        connection.close()


def wait(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if status(url) == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict[str, float | int]:
    """The figures this benchmark reports, from one `wrk --latency` run."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    if not (rps and p50 and p99 and total):
        raise ValueError("not wrk --latency output")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
        output,
    )
    return {
        "requests_per_s": float(rps.group(1)),
        "p50_ms": _duration_ms(p50.group(1)),
        "p99_ms": _duration_ms(p99.group(1)),
        "requests": int(total.group(1)),
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in sock.groups()) if sock else 0,
    }


def report(out_json: str, runs: list[str]) -> int:
    rows: list[tuple[str, dict[str, float | int]]] = []
    for run in runs:
        label, _, path = run.partition("=")
        rows.append((label, parse_wrk(Path(path).read_text())))
    base_rps = float(rows[0][1]["requests_per_s"]) or 1.0
    base_label = rows[0][0]

    width = max(len(label) for label, _ in [*rows, ("path", {})])
    print(
        f"{'path':<{width}}  {'req/s':>9}  {'p50 ms':>8}  {'p99 ms':>8}",
        f"{'vs ' + base_label:>12}",
        sep="  ",
    )
    bad = False
    for label, figures in rows:
        ratio = float(figures["requests_per_s"]) / base_rps
        figures["ratio_to_bare"] = round(ratio, 4)
        print(
            f"{label:<{width}}  {figures['requests_per_s']:>9.1f}",
            f"{figures['p50_ms']:>8.2f}  {figures['p99_ms']:>8.2f}  {ratio:>12.3f}",
            sep="  ",
        )
        if figures["non_2xx_3xx"] or figures["socket_errors"]:
            bad = True
            print(
                f"  !! {label}: {figures['non_2xx_3xx']} non-2xx/3xx responses, "
                f"{figures['socket_errors']} socket errors",
                file=sys.stderr,
            )
    if len(rows) > 1:
        for label, figures in rows[1:]:
            ratio_text = f"{figures['ratio_to_bare']:.3f}"
            print(f"ratio {label} : {base_label} (requests/s) = {ratio_text}")
    Path(out_json).write_text(json.dumps(dict(rows), indent=2) + "\n")
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    command, args = argv[0], argv[1:]
    if command == "free-port":
        print(free_port())
        return 0
    if command == "status":
        print(status(args[0]))
        return 0
    if command == "wait":
        return 0 if wait(args[0], float(args[1])) else 1
    if command == "report":
        return report(args[0], args[1:])
    print(f"unknown command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
