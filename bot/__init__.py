"""The Slack app: factory, Block Kit builders, ids, handlers and flows."""
