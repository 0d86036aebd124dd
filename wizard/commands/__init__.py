"""The command layer: what each `edge-wizard` subcommand does.

`common` holds the convention every command follows (exit codes, usage
errors, messages, loading the trees, opening the store); each other module is
one group of commands and registers its subcommands with `register`:
`trees` (list, validate, schema), `walk`, `graphs` (graph, endings),
`sessions` (run, resume, sessions, export, and the bare command's picker),
`capture` (pcap) and `probe`. `wizard.cli` builds the parser from them.

Above the core and the TUI: only these modules open the TUI, and nothing
below imports them (see the import-linter contracts in pyproject.toml).
"""
