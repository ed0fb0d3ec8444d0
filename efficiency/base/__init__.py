"""The ground floor below the store: input errors, event times, payload validation and the
silence rules. Everything here imports only the standard library and pydantic, so the store
and every stage above it can use it (the old paths in ``ingest`` and ``notify`` re-export it).
"""
