"""``json.loads`` for text, on the C scanner alone, and ``json.dumps`` on the C encoder alone:
without importing ``json``.

``json.decoder`` imports ``re``, and ``re`` imports ``enum`` and ``functools``: together about a
sixth of a pre-commit run on one small policy. What ``json.loads`` does on a string is the C
scanner (``_json.make_scanner``) between two skips of JSON white space, which need no regular
expression. Errors are ``json``'s own ``JSONDecodeError`` (a ValueError), imported when one
is raised; an interpreter without the C scanner gets ``json.loads`` itself.
"""
from __future__ import annotations

try:
    from _json import encode_basestring as _encode_string_as_is, encode_basestring_ascii as _encode_string, \
        make_encoder as _make_encoder, make_scanner as _make_scanner, scanstring as _scan_string
except ImportError:  # pragma: no cover - an interpreter without json's C accelerator
    _make_scanner = _make_encoder = _scan_string = None

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Callable

_WHITESPACE = " \t\n\r"  # JSON's, as json.decoder.WHITESPACE
_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


class _Options:
    """What the C scanner reads from a ``json.JSONDecoder``."""

    __slots__ = ("strict", "object_hook", "object_pairs_hook", "parse_float", "parse_int", "parse_constant")

    def __init__(self, object_pairs_hook: Callable | None, parse_constant: Callable | None,
                 parse_float: Callable | None = None, parse_int: Callable | None = None) -> None:
        self.strict = True
        self.object_hook = None
        self.object_pairs_hook = object_pairs_hook
        self.parse_float = parse_float or float
        self.parse_int = parse_int or int
        self.parse_constant = parse_constant if parse_constant is not None else _CONSTANTS.__getitem__


def loads(text: str, *, object_pairs_hook: Callable | None = None, parse_constant: Callable | None = None,
          parse_float: Callable | None = None, parse_int: Callable | None = None) -> Any:
    """``json.loads(text, object_pairs_hook=..., parse_constant=..., parse_float=...,
    parse_int=...)`` for a ``str``."""
    if _make_scanner is None:  # pragma: no cover
        import json

        return json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=parse_constant,
                          parse_float=parse_float, parse_int=parse_int)
    if text.startswith("\ufeff"):
        raise _error("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = _make_scanner(_Options(object_pairs_hook, parse_constant, parse_float, parse_int))(text, start)
    except StopIteration as stop:
        raise _error("Expecting value", text, stop.value) from None
    except SystemError:
        # Before Python 3.12 the scanner raises its other syntax errors as json.decoder's
        # JSONDecodeError, which it looks up in sys.modules without importing it: not there,
        # it fails with a SystemError. A text that is not JSON is read again by json itself.
        import json

        return json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=parse_constant,
                          parse_float=parse_float, parse_int=parse_int)
    if end != len(text) and len(text.rstrip(_WHITESPACE)) > end:
        raise _error("Extra data", text, end + len(text[end:]) - len(text[end:].lstrip(_WHITESPACE)))
    return value


def dumps(value: Any, *, sort_keys: bool = False, default: Callable | None = None, ensure_ascii: bool = True,
          separators: tuple[str, str] = (", ", ": "), allow_nan: bool = True) -> str:
    """``json.dumps(value, ...)`` with these options: the same C encoder, the same text."""
    if _make_encoder is None:  # pragma: no cover
        import json

        return json.dumps(value, sort_keys=sort_keys, default=default, ensure_ascii=ensure_ascii,
                          separators=separators, allow_nan=allow_nan)
    encode_string = _encode_string if ensure_ascii else _encode_string_as_is
    if isinstance(value, str):
        return encode_string(value)
    item_separator, key_separator = separators
    encode = _make_encoder({}, default if default is not None else _not_serializable, encode_string, None,
                           key_separator, item_separator, sort_keys, False, allow_nan)
    return "".join(encode(value, 0))


def _not_serializable(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _error(message: str, text: str, position: int) -> ValueError:
    from json import JSONDecodeError

    return JSONDecodeError(message, text, position)


_value_scanner: Callable[[str, int], tuple[Any, int]] | None = None


def value_at(text: str, start: int) -> tuple[Any, int]:
    """The JSON value that starts at offset ``start`` of ``text`` (no white space before it),
    and the offset just after it: ``json.JSONDecoder().raw_decode(text, start)``, in C."""
    global _value_scanner
    if _value_scanner is None:
        if _make_scanner is None:  # pragma: no cover
            import json

            _value_scanner = json.JSONDecoder().raw_decode
        else:
            _value_scanner = _make_scanner(_Options(None, None))
    try:
        return _value_scanner(text, start)
    except StopIteration as stop:
        raise _error("Expecting value", text, stop.value) from None


def string_at(text: str, start: int) -> tuple[str, int]:
    """The JSON string whose opening quote is at offset ``start``, and the offset after its
    closing quote (``json.decoder.scanstring``, in C)."""
    if _scan_string is None:  # pragma: no cover
        from json.decoder import scanstring

        return scanstring(text, start + 1, True)
    return _scan_string(text, start + 1, True)
