"""The machine's speed today, for reading CI's minutes: a fixed piece of single-threaded Python
(string building, dictionary updates, sorting: what the suite does most) timed three times,
the best printed. These machines differ up to 5× from day to day; CI prints its own minutes
beside this figure, and their ratio is what a change to the suite moves."""

from __future__ import annotations

import time


def workload() -> int:
    counts: dict[str, int] = {}
    for i in range(2_000_000):
        key = f"unit-{i % 5_000:05d}/{i % 7}"
        counts[key] = counts.get(key, 0) + len(key)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return sum(n for _key, n in ordered[:1_000])


def best_of(runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        workload()
        times.append(time.perf_counter() - started)
    return min(times)


if __name__ == "__main__":
    print(f"{best_of():.3f}")
