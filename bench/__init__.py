"""Benchmarks (run as scripts) and the municipality-sized world they measure."""
