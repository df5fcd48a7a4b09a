"""HTTP service: FastAPI app exposing ask, search and documents over the current index version."""
