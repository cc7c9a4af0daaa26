"""A progress line on stderr for long runs: only for people (text output, stderr a terminal),
only past THRESHOLD files, updated in place and cleared at the end."""
from __future__ import annotations

import time

THRESHOLD = 300
INTERVAL = 0.1  # seconds between redraws


class Progress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if total <= THRESHOLD:
            return
        now = time.monotonic()
        if done < total and now - self._last < INTERVAL:
            return
        self._last = now
        self.stream.write(f"\rchecking files: {done}/{total} ({done * 100 // total}%)")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """Erase the line, so that what follows starts on a clean line."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def for_stream(stream: TextIO, fmt: str) -> Progress | None:
    """A progress line when ``fmt`` is for people and ``stream`` is a terminal; else None."""
    if fmt != "text":
        return None
    isatty = getattr(stream, "isatty", None)
    try:
        if isatty is None or not isatty():
            return None
    except ValueError:  # a closed stream
        return None
    return Progress(stream)
