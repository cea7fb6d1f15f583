"""The program at scale, for the benchmarks: `bench/generate.py` runs it; `tests/test_bench_generator.py` runs it
small against the test database, so it keeps up with the models."""
