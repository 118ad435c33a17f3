"""Benchmarks and reports; each target is a ratio against a reference measured in the same run."""
