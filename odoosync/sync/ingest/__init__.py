"""The start of a record's path: the app's documents become validated, versioned records (`records`), and the
switch decides which of them get a job (`switch`: on and off, the backfill)."""
