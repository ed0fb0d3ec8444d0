"""Ingest: parse and validate every incoming record, then write it in one transaction."""
