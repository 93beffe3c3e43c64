"""Benchmark scripts and reference implementations (not part of the library)."""
