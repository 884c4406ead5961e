"""storage.bulk_crypto: the fast path decrypts exactly what the keyring decrypts, and refuses the same tokens."""

from __future__ import annotations

import base64

import pytest

from storage.bulk_crypto import BulkDecryptor
from storage.crypto import Keyring, KeyringError, generate_key_material


def ring(*keys: str) -> Keyring:
    """A keyring over these Fernet keys."""
    material = generate_key_material()
    from storage.crypto import _decode_index_key

    return Keyring(fernet_keys=keys or tuple(material["encryption_keys"]),  # type: ignore[arg-type]
                   index_key=_decode_index_key(str(material["blind_index_key"])))


def test_same_plaintexts_as_the_keyring() -> None:
    keys = ring()
    fast = BulkDecryptor(keys)
    for text in ("0.00", "1200000.00", "x" * 15, "x" * 16, "x" * 17, "中文金额 一百二十万元" * 7, ""):
        assert fast.decrypt(keys.encrypt(text)) == text


def test_an_older_key_of_the_ring_still_reads() -> None:
    old = ring()
    new = ring(ring().fernet_keys[0], old.fernet_keys[0])
    assert BulkDecryptor(new).decrypt(old.encrypt("777.00")) == "777.00"


def test_tampered_or_foreign_tokens_are_refused_like_the_keyring_refuses_them() -> None:
    keys = ring()
    fast = BulkDecryptor(keys)
    token = keys.encrypt("1000.00")
    raw = bytearray(base64.urlsafe_b64decode(token))
    raw[30] ^= 1  # one ciphertext bit: the tag no longer matches
    for bad in (base64.urlsafe_b64encode(bytes(raw)).decode(), ring().encrypt("1000.00"), "not a token", "",
                token[:-4]):
        with pytest.raises(KeyringError):
            fast.decrypt(bad)
