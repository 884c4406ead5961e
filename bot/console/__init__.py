"""The local terminal console and the fake Slack it (and the tests) run the real app against."""
