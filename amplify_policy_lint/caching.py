"""``functools.lru_cache`` and ``functools.cached_property`` without importing ``functools``.

``functools`` imports ``collections`` (and with them ``keyword``, ``operator``, ``reprlib``):
about a tenth of a pre-commit run on one small policy, for two decorators. ``lru_cache`` here
is the same C implementation functools wraps (``_functools._lru_cache_wrapper``);
``cached_property`` is the plain descriptor functools has had since Python 3.12.
"""
from __future__ import annotations

from .records import NamedTuple

try:
    from _functools import _lru_cache_wrapper
except ImportError:  # pragma: no cover - an interpreter without it: functools's own
    _lru_cache_wrapper = None

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Callable


class CacheInfo(NamedTuple):
    """What ``cache_info()`` answers, as functools's."""

    hits: int
    misses: int
    maxsize: int | None
    currsize: int


def lru_cache(maxsize: int | None | Callable = 128) -> Any:
    """``functools.lru_cache``: ``@lru_cache``, ``@lru_cache(maxsize=N)`` or ``maxsize=None``
    (unbounded); the wrapper has ``cache_info()`` and ``cache_clear()``."""
    if callable(maxsize):  # used bare, as @lru_cache
        return _wrap(maxsize, 128)
    return lambda function: _wrap(function, maxsize)


def _wrap(function: Callable, maxsize: int | None) -> Any:
    if _lru_cache_wrapper is None:  # pragma: no cover
        import functools

        return functools.lru_cache(maxsize)(function)
    if maxsize is not None and maxsize < 0:
        maxsize = 0
    wrapper = _lru_cache_wrapper(function, maxsize, False, CacheInfo)
    for name in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(wrapper, name, getattr(function, name, None))
    wrapper.__dict__.update(getattr(function, "__dict__", {}))
    wrapper.__wrapped__ = function
    return wrapper


class cached_property:  # noqa: N801 - functools's name
    """``functools.cached_property``: computed on first access, then kept in the instance's
    ``__dict__`` (which shadows this non-data descriptor from then on)."""

    def __init__(self, function: Callable) -> None:
        self.function = function
        self.name: str | None = None
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        if self.name is None:
            raise TypeError("cannot use cached_property without calling __set_name__ on it")
        value = instance.__dict__[self.name] = self.function(instance)
        return value
