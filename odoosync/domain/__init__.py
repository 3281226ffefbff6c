"""Pure types: records, money, job states and errors. No I/O, no framework below the CLI."""
