from odoosync.cli.app import main

main()
