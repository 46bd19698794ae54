"""The offline demo: recorded documents replayed over loopback HTTP (`replay`) to build history, then `up`."""
