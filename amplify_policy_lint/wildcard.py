"""IAM wildcard patterns: ``*`` matches any run of characters (also none), ``?`` exactly one.

Patterns come from the files being linted, so they are never turned into regular
expressions (a backtracking regex on ``a*a*a*a*b`` is exponential). A pattern is split on
``*`` into literal chunks (which may hold ``?``): the first chunk must be a prefix of the
text, the last a suffix, and every chunk in between is taken at its leftmost occurrence
after the previous one. Taking the leftmost occurrence is always safe because a ``*`` can
absorb whatever lies between, so there is no backtracking at all.

Cost: chunks without ``?`` are found with ``str.find``, O(len(text) + len(pattern)) in all.
A chunk with ``?`` is searched run by run, each failed run moving the candidate forward to
where it occurs, so its worst case is O(len(text) * len(chunk)), and a run that does not
occur ends the search after one scan.
"""
from __future__ import annotations

from .caching import lru_cache

WILDCARDS = frozenset("*?")


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def matches_everything(text: str) -> bool:
    """``compile(text).matches_everything`` without compiling: ``*``, ``**``, ..."""
    return bool(text) and not text.strip("*")


def variables_as_stars(text: str) -> str:
    """``text`` with each ``${...}`` placeholder (a policy variable, or a variable of an ARN
    format such as ``${Region}``) replaced by ``*``."""
    out = []
    rest = text
    while "${" in rest:
        before, _, after = rest.partition("${")
        close = after.find("}")
        if close < 0:
            break
        out.append(before + "*")
        rest = after[close + 1:]
    out.append(rest)
    return "".join(out)


# The shapes almost every pattern in real policies has, answered without the general search:
# a plain name ("s3:GetObject"), a prefix ("s3:Get*"), and "*". Anything else (a "?", a star
# in the middle or at the start) takes the general search.
_GENERAL, _EXACT, _PREFIX, _EVERYTHING = range(4)


class Pattern:
    """A compiled pattern; build it with :func:`compile` (cached) rather than directly."""

    __slots__ = ("source", "ignore_case", "_folded", "_chunks", "_starred", "_min_length", "_shape", "_literal")

    def __init__(self, source: str, ignore_case: bool = True) -> None:
        self.source = source
        self.ignore_case = ignore_case
        self._folded = folded = source.lower() if ignore_case else source
        self._shape, self._literal = _shape(folded)
        # The chunks only when the general search needs them: most patterns (and every one
        # of a 300,000-entry Resource list) are answered by a shortcut, or never matched.
        self._chunks: tuple[_Chunk, ...] | None = None

    def __repr__(self) -> str:
        return f"Pattern({self.source!r}, ignore_case={self.ignore_case})"

    @property
    def matches_everything(self) -> bool:
        """True for ``*``, ``**``, ...: the pattern matches every text, the empty one included."""
        return matches_everything(self._folded)

    def matches(self, text: str) -> bool:
        if self.ignore_case:
            text = text.lower()
        shape = self._shape
        if shape == _EXACT:
            return text == self._literal
        if shape == _PREFIX:
            return text.startswith(self._literal)
        if shape == _EVERYTHING:
            return True
        return self._search(text)[0]

    def match_with_steps(self, text: str) -> tuple[bool, int]:
        """The match result plus the number of characters the search examined (always the
        general search, never a shortcut of :meth:`matches`).

        The count exists so tests can prove the cost stays linear without timing anything.
        """
        if self.ignore_case:
            text = text.lower()
        return self._search(text)

    def _search(self, text: str) -> tuple[bool, int]:
        chunks = self._chunks
        if chunks is None:
            parts = self._folded.split("*")
            self._starred = len(parts) > 1
            self._min_length = sum(len(c) for c in parts)
            self._chunks = chunks = tuple(_Chunk(c) for c in parts)
        if not self._starred:
            chunk = chunks[0]
            if len(text) != len(chunk.text):
                return False, 1
            return chunk.matches_at(text, 0), len(chunk.text) + 1
        if len(text) < self._min_length:
            return False, 1
        first, last = chunks[0], chunks[-1]
        steps = len(first.text) + len(last.text) + 1
        end = len(text) - len(last.text)
        if not first.matches_at(text, 0) or not last.matches_at(text, end):
            return False, steps
        position = len(first.text)
        for chunk in chunks[1:-1]:
            found, examined = chunk.find(text, position, end)
            steps += examined
            if found < 0:
                return False, steps
            position = found + len(chunk.text)
        return True, steps


def _shape(folded: str) -> tuple[int, str]:
    """Which shortcut answers for the (case-folded) pattern, and the literal text it needs."""
    if "?" in folded:
        return _GENERAL, ""
    star = folded.find("*")
    if star < 0:
        return _EXACT, folded
    if star == len(folded) - 1:
        return _PREFIX, folded[:-1]
    if folded.strip("*") == "":
        return _EVERYTHING, ""
    return _GENERAL, ""


class _Chunk:
    """A literal run between two ``*``; ``?`` inside it matches any one character."""

    __slots__ = ("text", "_plain", "_runs")

    def __init__(self, text: str) -> None:
        self.text = text
        self._plain = "?" not in text
        # The literal runs between the "?"s with their offsets, longest first: a long run is
        # the rarest, so searching for it skips the most candidate positions.
        runs = []
        offset = 0
        for run in text.split("?"):
            if run:
                runs.append((offset, run))
            offset += len(run) + 1
        runs.sort(key=lambda r: -len(r[1]))
        self._runs = tuple(runs)

    def matches_at(self, text: str, start: int) -> bool:
        """Whether the chunk matches ``text`` at ``start`` (the caller checked the length)."""
        if self._plain:
            return text.startswith(self.text, start)
        return all(text.startswith(run, start + offset) for offset, run in self._runs)

    def find(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Leftmost index in ``text[start:end]`` where the whole chunk fits, or -1; plus steps."""
        size = len(self.text)
        if self._plain:
            found = text.find(self.text, start, end)
            return found, (end - start if found < 0 else found - start + size)
        runs = self._runs
        if not runs:  # only "?"s: any position with room fits
            return (start, 1) if start + size <= end else (-1, 1)
        # Look for each run in turn at its place relative to the candidate. A run found later
        # than its place moves the candidate forward past every position that cannot fit;
        # all runs found in place, one after the other, is a match.
        candidate, steps, index, in_place = start, 0, 0, 0
        while candidate + size <= end:
            offset, run = runs[index]
            place = candidate + offset
            hit = text.find(run, place, end - size + offset + len(run))
            if hit < 0:
                return -1, steps + (end - place)
            steps += hit - place + len(run)
            if hit == place:
                in_place += 1
            else:
                candidate, in_place = hit - offset, 1
            if in_place == len(runs):
                return candidate, steps
            index = (index + 1) % len(runs)
        return -1, steps + 1


@lru_cache(maxsize=8192)
def compile(pattern: str, ignore_case: bool = True) -> Pattern:  # noqa: A001 - mirrors re.compile
    return Pattern(pattern, ignore_case)


def match(pattern: str, text: str, ignore_case: bool = True) -> bool:
    """Whether ``text`` matches the IAM wildcard ``pattern`` as a whole."""
    return compile(pattern, ignore_case).matches(text)


def literal_head(text: str) -> str:
    """The text before the first wildcard: a pattern can only match (or cover) texts that
    start with it."""
    star = text.find("*")
    if "?" in text:
        mark = text.find("?")
        star = mark if star < 0 else min(star, mark)
    return text if star < 0 else text[:star]


def covers(general: str, specific: str, ignore_case: bool = True) -> bool:
    """Whether every text the pattern ``specific`` matches is also matched by ``general``.

    ``general`` is matched against ``specific`` as written, its wildcards taken as plain
    characters: a ``*`` of ``general`` may absorb anything (a ``*`` or ``?`` of ``specific``
    too), while a literal character of ``general`` can never stand for a wildcard. That is
    exact for a ``general`` without ``?``. A ``?`` of ``general`` could wrongly stand for a
    ``*`` of ``specific``, so such patterns cover only themselves: the answer may be "no"
    where a cleverer test says "yes", never the reverse.
    """
    if "?" in general:
        return general.lower() == specific.lower() if ignore_case else general == specific
    return compile(general, ignore_case).matches(specific)
