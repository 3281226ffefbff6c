"""Alembic migrations of the local database; `odoosync` applies them on start (see store/schema.py)."""
