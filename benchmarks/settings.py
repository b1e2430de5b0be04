"""Benchmark-only settings: the production settings plus a bare baseline view.

Used by benchmarks/bench.sh; never by a deployment.
"""

from bielefeld_digital.settings import *  # noqa: F403, RUF100

ROOT_URLCONF = "benchmarks.urls"
