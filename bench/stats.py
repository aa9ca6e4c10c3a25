"""Figures the benchmarks print: percentiles by the nearest-rank method."""


def p95(values: list[float]) -> float:
    """Return the 95th percentile by the nearest-rank method."""
    return percentile(values, 95)


def percentile(values: list[float], rank: int) -> float:
    """Return the `rank`th percentile by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * rank // 100) - 1)]
