"""The production settings, plus a minimal view to compare against (see bench/run.py).

Only `make bench` uses this module; the site itself never routes to the minimal view.
"""

from clinic.settings import *  # noqa: F403
from clinic.settings import env

ROOT_URLCONF = "bench.urls"
# collectstatic writes to a throwaway directory that the benchmark removes afterwards.
STATIC_ROOT = env.str("BENCH_STATIC_ROOT")
