"""Benchmarks run by `congdong bench NAME`; each module exposes `run(options) -> Report`."""
