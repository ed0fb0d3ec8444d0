"""Collectors: each turns one source into normalized records. None touches the database."""
