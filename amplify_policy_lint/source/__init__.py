"""Turn a file's bytes into data plus a way to find where each value was written.

One job per module: ``text`` (bytes to UTF-8 text, line and column arithmetic),
``json_reader`` and ``yaml_reader`` (the two readers), ``core`` (``Source`` and the position
table interface every reader fills in), ``problems`` (input problems as typed values, which
the APL00x rules turn into findings).
"""
from __future__ import annotations

from .core import Positions, PositionTable, Source, iter_nodes
from .json_reader import parse_json
from .problems import InputProblem, InputViolation, Problem, duplicate_key
from .text import LineIndex, decode, decode_loosely, line_index

__all__ = [
    "CFN_SHORT_TAGS", "InputProblem", "InputViolation", "LineIndex", "PositionTable", "Positions", "Problem",
    "Source", "YamlScalar", "decode", "decode_loosely", "duplicate_key", "iter_nodes", "line_index", "parse",
    "parse_json", "parse_yaml",
]


def parse(name: str, text: str, fmt: str) -> tuple[Source | None, list[InputViolation]]:
    """Parse ``text`` as ``fmt`` ('json' or 'yaml')."""
    if fmt == "json":
        return parse_json(name, text)
    from .yaml_reader import parse_yaml

    return parse_yaml(name, text)


def __getattr__(name: str) -> object:
    # The YAML reader (and PyYAML behind it) is imported when a YAML file is read, not before:
    # a run on JSON policies never needs it.
    if name in ("CFN_SHORT_TAGS", "YamlScalar", "parse_yaml"):
        from . import yaml_reader

        return getattr(yaml_reader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
