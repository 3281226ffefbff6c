"""odoosync: push a property-management app's money records into Odoo, one way, exactly once.

The Python API mirrors the CLI::

    import odoosync

    with odoosync.open_store("sqlite:///odoosync.db") as store:
        report = odoosync.ingest_documents(store, documents)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0.dev0"

if TYPE_CHECKING:
    from odoosync.sync.ingest.records import IngestReport, ingest_documents, ingest_files
    from odoosync.sync.setup.workspace import open_store

__all__ = ["IngestReport", "ingest_documents", "ingest_files", "open_store"]

_LAZY = {
    "IngestReport": "odoosync.sync.ingest.records",
    "ingest_documents": "odoosync.sync.ingest.records",
    "ingest_files": "odoosync.sync.ingest.records",
    "open_store": "odoosync.sync.setup.workspace",
}


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `odoosync.sandbox` (and --help) do not pay for the database layer.
    if name in _LAZY:
        import importlib  # noqa: PLC0415

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'odoosync' has no attribute {name!r}")
