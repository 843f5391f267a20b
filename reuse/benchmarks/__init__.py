"""Benchmarks that measure the platform's hot paths against a baseline in the same run."""
