"""The conflict index persisted as one file: raw arrays, a JSON header, a keyed checksum.

Layout: MAGIC, an 8-byte header length, the header (JSON: format, code fingerprint, byte order,
the change-feed stamp, each section's name, type and size), the sections' raw bytes, then a
32-byte keyed BLAKE2b of everything before it. Nothing in the file is ever executed (no pickle):
arrays are read with `array.fromfile`, strings are UTF-8 joined by NUL. A file whose checksum,
format, code fingerprint or byte order does not match is ignored, never trusted.
"""

from __future__ import annotations

import functools
import hmac
import json
import os
import struct
import sys
import tempfile
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import blake2b
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

MAGIC = b"LAWCRM-CONFLICT-INDEX\n"
FORMAT = 1
MAC_SIZE = 32
HEADER_MAX = 1 << 20
SEP = "\x00"
# The code whose output the snapshot holds: any change to these makes older snapshots stale.
SOURCES = ("index.py", "lexicon.py", "multimap.py", "normalize.py", "snapshot.py")
LIBRARIES = ("opencc", "pypinyin", "rapidfuzz")

Parts = dict[str, "array | bytes | list[str]"]


@dataclass(frozen=True)
class Stamp:
    """The change-feed position a snapshot covers: last party, alias and change ids filed."""

    party: int
    alias: int
    change: int

    def covers(self, other: Stamp) -> bool:
        """Whether this stamp is at or beyond `other` on every feed."""
        return self.party >= other.party and self.alias >= other.alias and self.change >= other.change


@functools.cache
def code_fingerprint() -> str:
    """A digest of the matcher's code and library versions (a different build files differently).

    Read once per process (the engine asks at start): code replaced on disk under a running process
    must not lend its fingerprint to what the old code built.
    """
    h = blake2b(digest_size=16)
    h.update(f"format {FORMAT}\n".encode())
    here = Path(__file__).parent
    for name in SOURCES:
        h.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    for lib in LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} -\n".encode())
    return h.hexdigest()


def _mac(key: bytes) -> blake2b:
    """The keyed checksum (BLAKE2b keys are at most 64 bytes)."""
    return blake2b(key=blake2b(key, digest_size=32).digest(), digest_size=MAC_SIZE)


def _encode(value: array | bytes | list[str]) -> tuple[str, bytes | array]:
    """A section's type code and its raw bytes."""
    if isinstance(value, array):
        return value.typecode, value
    if isinstance(value, bytes):
        return "B", value
    return "s", SEP.join(value).encode("utf-8", "surrogatepass")


def write(path: Path, parts: Parts, *, stamp: Stamp, key: bytes) -> None:
    """Write a snapshot atomically: a temporary file in the same directory, then a rename."""
    sections: list[tuple[str, str, int, int, bytes | array]] = []
    for name, value in parts.items():
        code, raw = _encode(value)
        nbytes = len(raw) * raw.itemsize if isinstance(raw, array) else len(raw)
        sections.append((name, code, nbytes, len(value), raw))
    header = json.dumps({
        "format": FORMAT, "code": code_fingerprint(), "byteorder": sys.byteorder,
        "itemsize": {"i": array("i").itemsize, "q": array("q").itemsize},
        "stamp": [stamp.party, stamp.alias, stamp.change],
        "sections": [[name, code, nbytes, count] for name, code, nbytes, count, _ in sections],
    }).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            mac = _mac(key)
            for chunk in (MAGIC, struct.pack("<Q", len(header)), header):
                fh.write(chunk)
                mac.update(chunk)
            for *_meta, raw in sections:
                fh.write(raw)
                mac.update(raw)
            fh.write(mac.digest())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _header(fh: BinaryIO, size: int) -> dict | None:
    """The parsed header, or None when the file is not a snapshot of this build."""
    if fh.read(len(MAGIC)) != MAGIC:
        return None
    raw_len = fh.read(8)
    if len(raw_len) != 8:
        return None
    (length,) = struct.unpack("<Q", raw_len)
    if length > min(HEADER_MAX, size):
        return None
    try:
        header = json.loads(fh.read(length))
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("format") != FORMAT \
            or header.get("code") != code_fingerprint() or header.get("byteorder") != sys.byteorder \
            or header.get("itemsize") != {"i": array("i").itemsize, "q": array("q").itemsize}:
        return None
    return header


def read_stamp(path: Path) -> Stamp | None:
    """The stamp a snapshot file claims (unverified: only to skip writing an older one over it)."""
    try:
        with path.open("rb") as fh:
            header = _header(fh, path.stat().st_size)
    except OSError:
        return None
    if header is None:
        return None
    try:
        return Stamp(*(int(x) for x in header["stamp"]))
    except (KeyError, TypeError, ValueError):
        return None


def read(path: Path, *, key: bytes, progress: Callable[[int, int], None] | None = None
         ) -> tuple[Parts, Stamp] | None:
    """The sections and stamp of a snapshot, or None when it is missing, stale or not verified."""
    try:
        fh = path.open("rb")
    except OSError:
        return None
    with fh:
        size = os.fstat(fh.fileno()).st_size
        start = fh.tell()
        header = _header(fh, size)
        if header is None:
            return None
        header_end = fh.tell()
        fh.seek(start)
        mac = _mac(key)
        mac.update(fh.read(header_end - start))
        try:
            sections = [(str(n), str(c), int(b), int(k)) for n, c, b, k in header["sections"]]
            stamp = Stamp(*(int(x) for x in header["stamp"]))
        except (KeyError, TypeError, ValueError):
            return None
        if header_end + sum(b for _n, _c, b, _k in sections) + MAC_SIZE != size:
            return None
        parts: Parts = {}
        done = 0
        for name, code, nbytes, count in sections:
            if code in ("i", "q"):
                arr = array(code)
                if nbytes % arr.itemsize or nbytes // arr.itemsize != count:
                    return None
                try:
                    arr.fromfile(fh, count)
                except EOFError:
                    return None
                mac.update(memoryview(arr).cast("B"))
                parts[name] = arr
            elif code in ("B", "s"):
                raw = fh.read(nbytes)
                if len(raw) != nbytes:
                    return None
                mac.update(raw)
                if code == "B":
                    parts[name] = raw
                else:
                    try:
                        text = raw.decode("utf-8", "surrogatepass")
                    except UnicodeDecodeError:
                        return None
                    items = text.split(SEP) if count else []
                    if len(items) != count:
                        return None
                    parts[name] = items
            else:
                return None
            done += nbytes
            if progress:
                progress(done, size)
        if not hmac.compare_digest(mac.digest(), fh.read(MAC_SIZE)):
            return None
    return parts, stamp
