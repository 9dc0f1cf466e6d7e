"""The web layer: FastAPI routes that turn HTTP requests into engine and store calls."""
