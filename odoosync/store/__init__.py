"""The one seam to the local database: SQLAlchemy stays inside this package; callers get domain objects."""

from odoosync.store.database import Store

__all__ = ["Store"]
