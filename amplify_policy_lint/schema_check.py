"""A yes/no validator compiled from the same JSON Schema, for the common case.

Almost every document a hook sees is valid, and importing jsonschema costs more than the
whole rest of a run. So ``compile_schema`` turns the schema (the subset of draft 2020-12
that policy.schema.json uses) into plain Python closures that only answer "valid?";
``schema.validate`` asks jsonschema for the detailed errors only when the answer is no.
A keyword this compiler does not know is an error at compile time, never a silent pass,
and tests/test_schema_check.py checks that both validators agree.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Mapping

Check = Callable[[Any], bool]

# Keywords that carry no constraint: annotations, identifiers and our messages (x-*).
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "$comment", "default",
                          "examples"})
_TYPES: Mapping[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool)
    or isinstance(v, float) and v.is_integer(),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


class UnsupportedSchema(ValueError):
    pass


def compile_schema(root: Mapping[str, Any], entry: Mapping[str, Any] | None = None) -> Check:
    """A function telling whether an instance is valid against ``entry`` (default: ``root``)."""
    compiled: dict[str, Check] = {}

    def ref(target: str) -> Check:
        # Resolved on first use, so that recursive definitions compile.
        if target not in compiled:
            if not target.startswith("#/$defs/"):
                raise UnsupportedSchema(f"only local $defs references are supported, not {target}")
            compiled[target] = lambda v: True  # placeholder while compiling itself
            compiled[target] = build(root["$defs"][target[len("#/$defs/"):]])
        return lambda v: compiled[target](v)

    def build(schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword in _ANNOTATIONS or keyword.startswith("x-") or keyword in ("then", "else"):
                continue
            checks.append(keyword_check(keyword, value, schema))
        return _all(checks)

    def keyword_check(keyword: str, value: Any, schema: Mapping[str, Any]) -> Check:
        if keyword == "type":
            types = [value] if isinstance(value, str) else list(value)
            tests = [_TYPES[t] for t in types]
            return lambda v: any(test(v) for test in tests)
        if keyword == "enum":
            return lambda v: any(_json_equal(v, option) for option in value)
        if keyword == "const":
            return lambda v: _json_equal(v, value)
        if keyword == "required":
            names = tuple(value)
            return lambda v: not isinstance(v, dict) or all(n in v for n in names)
        if keyword == "properties":
            props = {name: build(sub) for name, sub in value.items()}
            return lambda v: not isinstance(v, dict) or all(
                props[k](item) for k, item in v.items() if k in props)
        if keyword == "additionalProperties":
            known = set(schema.get("properties", {}))
            patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
            extra = build(value)
            return lambda v: not isinstance(v, dict) or all(
                extra(item) for k, item in v.items()
                if k not in known and not any(p.search(k) for p in patterns))
        if keyword == "patternProperties":
            rules = [(re.compile(p), build(sub)) for p, sub in value.items()]
            return lambda v: not isinstance(v, dict) or all(
                check(item) for k, item in v.items() for p, check in rules if p.search(k))
        if keyword == "items":
            item_check = build(value)
            return lambda v: not isinstance(v, list) or all(item_check(item) for item in v)
        if keyword == "minItems":
            return lambda v: not isinstance(v, list) or len(v) >= value
        if keyword == "minProperties":
            return lambda v: not isinstance(v, dict) or len(v) >= value
        if keyword == "pattern":
            regex = re.compile(value)
            return lambda v: not isinstance(v, str) or regex.search(v) is not None
        if keyword == "$ref":
            return ref(value)
        if keyword == "allOf":
            return _all([build(sub) for sub in value])
        if keyword == "anyOf":
            options = [build(sub) for sub in value]
            return lambda v: any(option(v) for option in options)
        if keyword == "not":
            inner = build(value)
            return lambda v: not inner(v)
        if keyword == "if":
            condition = build(value)
            then = build(schema.get("then", True))
            otherwise = build(schema.get("else", True))
            return lambda v: then(v) if condition(v) else otherwise(v)
        raise UnsupportedSchema(f"the fast validator does not support the keyword {keyword!r}")

    return build(root if entry is None else entry)


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


def _json_equal(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, and 1 equals 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b
