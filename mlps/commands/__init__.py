"""`mlps` subcommands, one module per capability; each has register(subparsers)."""
