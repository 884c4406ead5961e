"""Reading lines and writing text for the console, on a terminal or on any pair of streams."""

from __future__ import annotations

import sys
from typing import TextIO


class Terminal:
    """Line input and text output; end of input (EOF, a closed stream) raises EOFError."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout
        self.interactive = _is_tty(stdin) and stdin is sys.stdin and stdout is sys.stdout
        if self.interactive:
            try:
                import readline  # noqa: F401  (line editing and history for input())
            except ImportError:
                pass

    def write(self, text: str = "") -> None:
        """Print text followed by a newline."""
        try:
            self.stdout.write(text + "\n")
            self.stdout.flush()
        except ValueError:
            raise EOFError from None

    def ask(self, prompt: str) -> str:
        """One line typed by the user (without its newline); EOFError at the end of input."""
        if self.interactive:
            return input(prompt)
        try:
            self.stdout.write(prompt)
            self.stdout.flush()
            line = self.stdin.readline()
            if not line:
                self.stdout.write("\n")
                raise EOFError
            line = line.rstrip("\r\n")
            self.stdout.write(line + "\n")  # the transcript shows what was typed
        except (ValueError, OSError):
            raise EOFError from None
        return line


def _is_tty(stream: TextIO) -> bool:
    """Whether a stream is an open terminal."""
    try:
        return stream.isatty()
    except (ValueError, AttributeError):
        return False
