"""What a benchmark run measures and against what, read once from the environment.

BENCH_DATABASE_SERVER (default postgres://postgres@127.0.0.1:5432), BENCH_SECONDS (per run,
default 2), BENCH_ROUNDS (default 5), BENCH_CONNECTIONS (default 16), BENCH_SEARCH (default
"insurance"), BENCH_GUNICORN_ARGS (extra gunicorn arguments, for experiments),
BENCH_TARGET_SIZES (the numbers of requests the form's and the request list's targets are
measured at, default "10000,100000").
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
REPORT = BASE_DIR / "docs" / "benchmarks.md"

SERVER_URL = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
SECONDS = int(os.environ.get("BENCH_SECONDS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SEARCH_WORD = os.environ.get("BENCH_SEARCH", "insurance")
GUNICORN_ARGS = os.environ.get("BENCH_GUNICORN_ARGS", "").split()
WARM_UP_SECONDS = 2

SMALL = {"questions": 20, "requests": 100}
FULL = {"questions": 200, "requests": 10_000}
# Browsers ask for compressed responses; the production proxy terminates TLS and says so.
COMMON_HEADERS = {"Accept-Encoding": "gzip, br", "X-Forwarded-Proto": "https"}

# The Django CPU of the targets' pages is measured this many times at each size (the median
# counts), as the targets ask.
TARGET_RUNS = 3
TARGET_SIZES = [
    int(size) for size in os.environ.get("BENCH_TARGET_SIZES", "10000,100000").split(",") if size
]

# The FAQ pages against the minimal view's throughput.
TARGET_RATIO = 0.85
# Django CPU per request, in ms, and queries: the form and the staff's request list.
TARGET_FORM_CPU_MS = 0.65
TARGET_POST_CPU_MS = 1.5
TARGET_POST_QUERIES = 6
TARGET_INVALID_OVER_FORM = 1.20
TARGET_LIST_CPU_MS = 10
TARGET_CHANGE_CPU_MS = 25
# The minimal view's Django CPU per request on the machine the targets above were set on. On a
# slower or busier machine every page costs more; the report also gives the figures scaled by
# this over the minimal view's cost in the same run, to compare with the targets.
REFERENCE_MINIMAL_CPU_MS = 0.17
# Scaling assumes every page slows alike. It does not: on a machine several times slower the
# heavy pages were scaled 10-15% below what a quiet run measured (docs/benchmarks.md, the fifth
# round). Beyond this slowdown the report says its verdicts are only indicative.
SCALING_TRUSTED_UP_TO = 1.5
TARGET_PUBLIC_P99_MS = 50
TARGET_ADMIN_MS = 150
TARGET_PAGE_BYTES = 60 * 1024


class BenchError(Exception):
    pass


def log(message):
    print(f"[bench] {message}", flush=True)
