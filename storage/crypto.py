"""Field encryption (MultiFernet, several keys) and keyed blind indexes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = logging.getLogger(__name__)


class KeyringError(Exception):
    """Keys are missing, malformed or cannot decrypt a value."""


def normalize_identifier(value: str) -> str:
    """Normalise an identifier before blind-indexing (width, case, spaces, dashes)."""
    text = unicodedata.normalize("NFKC", value).upper()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Keyring:
    """Encryption keys (first one encrypts) and the separate blind-index key."""

    fernet_keys: tuple[str, ...]
    index_key: bytes

    def __post_init__(self) -> None:
        if not self.fernet_keys:
            raise KeyringError("at least one encryption key is required")
        try:
            fernets = [Fernet(k.encode()) for k in self.fernet_keys]
        except (ValueError, TypeError) as exc:
            raise KeyringError("an encryption key is not a valid Fernet key") from exc
        if len(self.index_key) < 32:
            raise KeyringError("the blind-index key must be at least 32 bytes")
        object.__setattr__(self, "_multi", MultiFernet(fernets))
        object.__setattr__(self, "_primary", fernets[0])

    def encrypt(self, plaintext: str) -> str:
        """Encrypt text under the primary key."""
        return self._multi.encrypt(plaintext.encode("utf-8")).decode("ascii")  # type: ignore[attr-defined]

    def decrypt(self, token: str) -> str:
        """Decrypt text encrypted under any key of the ring."""
        try:
            return self._multi.decrypt(token.encode("ascii")).decode("utf-8")  # type: ignore[attr-defined]
        except InvalidToken as exc:
            raise KeyringError("a stored value cannot be decrypted with the configured keys") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt a token under the primary key (idempotent)."""
        return self._multi.rotate(token.encode("ascii")).decode("ascii")  # type: ignore[attr-defined]

    def is_primary(self, token: str) -> bool:
        """Whether a token is already encrypted under the primary key."""
        try:
            self._primary.decrypt(token.encode("ascii"))  # type: ignore[attr-defined]
            return True
        except InvalidToken:
            return False

    def blind_index(self, value: str, *, kind: str = "id") -> str:
        """A keyed HMAC of the normalised value, for exact search of encrypted identifiers."""
        digest = hmac.new(
            self.index_key, f"{kind}:{normalize_identifier(value)}".encode(), hashlib.sha256
        )
        return digest.hexdigest()[:40]


def generate_key_material() -> dict[str, object]:
    """Fresh key material for a new installation."""
    return {
        "encryption_keys": [Fernet.generate_key().decode()],
        "blind_index_key": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }


def _decode_index_key(text: str) -> bytes:
    """Accept a urlsafe-base64 key or raw text of at least 32 bytes."""
    try:
        raw = base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))
        if len(raw) >= 32:
            return raw
    except ValueError:
        pass
    return text.encode()


def load_keyring(*, encryption_keys: str | None, blind_index_key: str | None,
                 key_file: Path, create: bool) -> "AnyKeyring":
    """Keys from settings, else from the key file (created on first run when allowed)."""
    if encryption_keys:
        if not blind_index_key:
            raise KeyringError("BLIND_INDEX_KEY is required when ENCRYPTION_KEYS is set")
        keys = tuple(k.strip() for k in encryption_keys.split(",") if k.strip())
        return Keyring(fernet_keys=keys, index_key=_decode_index_key(blind_index_key))
    if not key_file.exists():
        if not create:
            raise KeyringError(f"no ENCRYPTION_KEYS set and no key file at {key_file} "
                               "(create keys with `lawcrm keys generate`; every process needs the same)")
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(generate_key_material(), fh, indent=2)
        log.warning("generated new encryption keys", extra={"key_file": str(key_file)})
    try:
        return ReloadingKeyring(key_file)
    except (ValueError, KeyError) as exc:
        raise KeyringError(f"key file {key_file} is malformed") from exc


def add_primary_key(key_file: Path) -> str:
    """Prepend a new primary encryption key to the key file; return it."""
    data = json.loads(key_file.read_text())
    new_key = Fernet.generate_key().decode()
    data["encryption_keys"] = [new_key, *data["encryption_keys"]]
    tmp = key_file.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)  # a stale file would keep its (maybe wider) permissions
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=2)
    tmp.replace(key_file)
    return new_key


class ReloadingKeyring:
    """A keyring read from the key file that notices when another process rotates it.

    It re-reads the file when its modification time changes (checked at most every
    `check_every` seconds) and once more whenever a value fails to decrypt, so a process
    keeps reading values that another process re-encrypted under a new key.
    """

    def __init__(self, key_file: Path, *, check_every: float = 2.0) -> None:
        import threading
        import time

        self._file, self._every, self._time = key_file, check_every, time
        self._lock = threading.Lock()
        self._mtime = key_file.stat().st_mtime_ns
        self._checked = time.monotonic()
        self._ring = self._read()

    def _read(self) -> Keyring:
        """Parse the key file."""
        data = json.loads(self._file.read_text())
        return Keyring(fernet_keys=tuple(data["encryption_keys"]),
                       index_key=_decode_index_key(data["blind_index_key"]))

    def reload(self) -> None:
        """Re-read the key file now."""
        with self._lock:
            self._mtime = self._file.stat().st_mtime_ns
            self._ring = self._read()

    @property
    def current(self) -> Keyring:
        """The keyring, re-read if the file changed."""
        now = self._time.monotonic()
        if now - self._checked >= self._every:
            self._checked = now
            try:
                if self._file.stat().st_mtime_ns != self._mtime:
                    self.reload()
            except OSError:
                log.warning("key file unreadable; keeping the keys in memory")
        return self._ring

    @property
    def fernet_keys(self) -> tuple[str, ...]:
        """The current keys."""
        return self.current.fernet_keys

    def encrypt(self, plaintext: str) -> str:
        """Encrypt under the current primary key."""
        return self.current.encrypt(plaintext)

    def decrypt(self, token: str) -> str:
        """Decrypt, re-reading the key file once if no key fits."""
        try:
            return self.current.decrypt(token)
        except KeyringError:
            self.reload()
            return self._ring.decrypt(token)

    def rotate(self, token: str) -> str:
        """Re-encrypt under the primary key."""
        return self.current.rotate(token)

    def is_primary(self, token: str) -> bool:
        """Whether the token uses the primary key."""
        return self.current.is_primary(token)

    def blind_index(self, value: str, *, kind: str = "id") -> str:
        """Blind index with the (unchanging) index key."""
        return self.current.blind_index(value, kind=kind)


AnyKeyring = Keyring | ReloadingKeyring
