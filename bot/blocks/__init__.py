"""Block Kit builders: pure functions returning dicts, one module per feature."""
