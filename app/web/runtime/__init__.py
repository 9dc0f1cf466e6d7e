"""Running the server: opening the database at start and while it is down (startup.py),
following the active model version (follow.py), the process's tuning while serving
(serving.py: one BLAS thread, TCP_NODELAY, startup objects frozen out of the garbage
collector) and several workers on one port (workers.py)."""
