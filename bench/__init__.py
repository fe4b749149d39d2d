"""Benchmarks: run each file as a script (see README); results go to bench/results/."""
