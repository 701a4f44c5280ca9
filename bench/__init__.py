"""Benchmarks: each figure against a floor measured in the same run. `python -m bench --help`."""
