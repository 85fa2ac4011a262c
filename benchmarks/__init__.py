"""The course benchmarks: see benchmarks/run.py."""
