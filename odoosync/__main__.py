from odoosync.cli.entry_point import main

main()
