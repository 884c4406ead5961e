"""Column types that encrypt on the way in and decrypt on the way out."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from storage.crypto import AnyKeyring

KEYRING_ATTR = "lawcrm_keyring"


def keyring_of(dialect: Dialect) -> AnyKeyring:
    """The keyring bound to an engine's dialect by `storage.db.make_engine`."""
    keyring = getattr(dialect, KEYRING_ATTR, None)
    if keyring is None:
        raise RuntimeError("this engine has no keyring: build it with storage.db.make_engine")
    return keyring


class EncryptedText(TypeDecorator[str]):
    """Text stored as a Fernet token; the database never sees the plaintext."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Encrypt before writing."""
        if value is None:
            return None
        return keyring_of(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """Decrypt after reading."""
        if value is None:
            return None
        return keyring_of(dialect).decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document stored as a Fernet token."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Serialise and encrypt before writing."""
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        return keyring_of(dialect).encrypt(text)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        """Decrypt and parse after reading."""
        if value is None:
            return None
        return json.loads(keyring_of(dialect).decrypt(value))
