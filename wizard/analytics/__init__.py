"""Outcome analytics for tree authors: `edge-wizard stats`.

- `figures`: what is counted, from notes' data (`compute`);
- `records`: sessions as notes' data, replayed from a store or read from JSON notes;
- `report`: the text (80 columns) and JSON reports;
- `command`: the `stats` arguments and report (`add_parser`, `run`), and `main`
  to run it alone; `wizard.commands.stats` registers it in `edge-wizard`.

No UI here, and no store of its own: it reads through `SessionStore`.
"""
