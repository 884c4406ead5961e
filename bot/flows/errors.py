"""Domain errors; each carries a message key the global error handler translates."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An expected failure with a friendly, translatable message."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        super().__init__(key or self.key)
        if key:
            self.key = key
        self.params = params


class UnknownUser(DomainError):
    """The Slack user is not in the staff directory."""

    key = "error.unknown_user"


class PermissionDenied(DomainError):
    """The actor's role does not allow this."""

    key = "error.permission_denied"


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the actor)."""

    key = "error.not_found"


class InvalidInput(DomainError):
    """Input that fails validation; `field` names the modal block when there is one."""

    key = "error.invalid_input"

    def __init__(self, key: str | None = None, *, field: str | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.field = field


class Conflict(DomainError):
    """The state changed under the actor (someone else decided first, etc.)."""

    key = "error.conflict"


class ConfidentialChannelRefused(DomainError):
    """A confidential post to a channel shared with another organisation was refused."""

    key = "error.external_channel"


class IndexLoading(DomainError):
    """The conflict index is still loading; params: seconds (when to try again)."""

    key = "conflict.index_loading"
