"""Everything a person sees, one module per noun as the commands are; ``common`` holds the consoles, JSON output,
errors, and what several nouns show alike.

The only package that imports rich (an import-linter contract says so). JSON output is plain json, not rich. A
command imports the modules of what it shows, nothing more: this file imports none of them.
"""
