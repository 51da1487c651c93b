"""Load from a second process: wrk drives one page at a time and reports its figures."""

import itertools
import json
import os
import statistics
import subprocess

from .config import BASE_DIR, COMMON_HEADERS, BenchError

# A number of its own for every wrk run, so that no run repeats an earlier run's submissions.
WRK_RUNS = itertools.count(1)


def run_wrk(server, path, seconds, connections, headers=None, body=None):
    """wrk against one page of the running server; POSTs `body` when given (see wrk.lua)."""
    command = [
        "wrk",
        f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=5s",
        f"--script={BASE_DIR / 'bench' / 'wrk.lua'}",
    ]
    # The Host the test client and the form's Origin use, so CSRF checks see one site.
    all_headers = {"Host": server.host, **COMMON_HEADERS, **(headers or {})}
    for name, value in all_headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(f"{server.url}{path}")
    env = {**os.environ}
    if body is not None:
        env["BENCH_BODY"] = body
        env["BENCH_RUN"] = str(next(WRK_RUNS))
    result = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=seconds + 60, env=env, check=False
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {path}:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    requests = max(figures["requests"], 1)
    errors = sum(value for key, value in figures.items() if key.startswith("errors_"))
    return {
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50_ms": figures["p50_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "bytes_per_request": figures["bytes"] / requests,
        "errors": errors,
        "requests": figures["requests"],
        "connections": connections,
    }


def combine(runs):
    """The median of each figure over the rounds; errors and requests are added up."""
    return {
        "rps": statistics.median(run["rps"] for run in runs),
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p99_ms": statistics.median(run["p99_ms"] for run in runs),
        "bytes_per_request": statistics.mean(run["bytes_per_request"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "requests": sum(run["requests"] for run in runs),
        "rounds_rps": [run["rps"] for run in runs],
    }
