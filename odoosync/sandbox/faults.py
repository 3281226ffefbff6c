"""The faults the sandbox can inject, by name; apart from the server, so that `odoosync sandbox serve --help` can
list them without loading the emulator."""

FAULTS = ("429", "503", "reset", "timeout", "concurrency", "garble")
