"""The incident TUI (Textual). Imported only by the commands that open it."""
