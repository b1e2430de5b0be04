"""Benchmark harness (`make bench`); not part of the deployed application."""
