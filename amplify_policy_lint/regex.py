"""Regular expressions compiled on first use.

Compiling a pattern runs the ``re`` module's parser and compiler in Python: about half a
million instructions each, more than importing a small module. A run on one small policy
uses few of the package's patterns, so module-level patterns are declared with ``compile``
here and compiled the first time one of their methods is looked up.
"""
from __future__ import annotations

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "finditer", "findall", "scanner",
            "pattern", "flags", "groups", "groupindex")


class LazyPattern:
    """Stands for ``re.compile(pattern, flags)``: the first attribute looked up compiles it
    and puts the compiled pattern's methods on the instance, so that later calls cost what
    calling the compiled pattern's own methods costs."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        if name not in _METHODS:
            raise AttributeError(name)
        import re  # already loaded: the console script's wrapper imports it

        compiled = re.compile(*self._source)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"regex.compile({self._source[0]!r})"


def compile(pattern: str, flags: int = 0) -> LazyPattern:  # noqa: A001 - re.compile's name, on purpose
    """A pattern compiled when first used (``re.compile``'s arguments)."""
    return LazyPattern(pattern, flags)
