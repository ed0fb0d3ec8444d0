"""The store: one SQLAlchemy schema, sessions, query functions and Alembic migrations."""
