"""The demo's terminal: lines read with ``input()`` (and ``readline`` where there is one, so
Chinese line editing works) when both ends are a terminal, plain echoed lines from a pipe; and how
wide Chinese text is there."""
from __future__ import annotations

import contextlib
import sys
import unicodedata
from select import select as ready_to_read

with contextlib.suppress(ImportError):      # line editing and history for input(), where there is readline
    import readline  # noqa: F401

PASTE_GAP = 0.05           # seconds: input arriving sooner after a line is the same paste


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` columns."""
    return text + " " * max(0, width - display_width(text))


class Terminal:
    """Reads lines: ``input()`` with readline on a terminal; plain lines, echoed, from a pipe."""

    def __init__(self, stdin=None, stdout=None):
        self.stdin = stdin or sys.stdin
        self.out = stdout or sys.stdout
        self.interactive = self.stdin.isatty() and self.out.isatty()

    def read(self, prompt: str) -> str | None:
        """One line without its newline; None at end of input (Ctrl-D). On a terminal, lines
        pasted together (a 月报 of several lines) come back as one text, joined by newlines: what
        follows the first line at once (within ``PASTE_GAP``) is part of it; nobody types that fast."""
        if self.interactive:
            try:
                lines = [input(prompt)]
                while self._pasted_more():
                    lines.append(input(""))
            except EOFError:
                if len(lines) > 1:
                    return "\n".join(lines)
                self.say("")
                return None
            return "\n".join(lines)
        self.out.write(prompt)
        line = self.stdin.readline()
        if not line:
            self.say("")
            return None
        line = line.rstrip("\r\n")
        self.say(line)
        return line

    def _pasted_more(self) -> bool:
        """Whether more input is already waiting (the rest of a paste)."""
        try:
            return bool(ready_to_read([self.stdin], [], [], PASTE_GAP)[0])
        except (OSError, ValueError):        # no descriptor to wait on: one line at a time
            return False

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()
