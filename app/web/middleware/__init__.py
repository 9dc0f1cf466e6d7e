"""What wraps every request: CORS for the prediction routes (cors.py), the body-size limit
(limits.py), rate limits (ratelimit.py), and JSON request logs and metrics
(observability.py)."""
