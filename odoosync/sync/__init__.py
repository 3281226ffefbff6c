"""Everything odoosync does, as functions: the CLI is a thin layer over this package."""
