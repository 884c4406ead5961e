"""Use cases. They take a session, an actor and a notifier; they know nothing of Slack."""
