"""Validate policy documents against the IAM grammar in ``schemas/policy.schema.json``.

Messages come from the schema's ``x-message`` annotations, so the grammar and what we
say about it live side by side. A yes/no validator compiled from the same schema
(schema_check.py) answers for valid documents; jsonschema is imported only to describe
the errors of an invalid one.
"""
from __future__ import annotations

import itertools

from . import caching, limits
from .model import JsonPath, Violation
from .policy import is_intrinsic

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

ENTRY_POINTS = ("identityPolicy", "trustPolicy", "customPolicies")


class Intrinsic(str):
    """Stands in for a CloudFormation intrinsic function during validation.

    It is a string, so it satisfies "string" wherever one is expected; any error about it
    is dropped: the value is only known at deploy time.
    """


@caching.lru_cache(maxsize=None)
def load_schema() -> dict[str, Any]:
    import json  # not on the path of a valid policy (json imports re)

    from .package_data import read_text  # only an invalid document needs the schema itself

    return json.loads(read_text("schemas", "policy.schema.json"))


@caching.lru_cache(maxsize=None)
def _validator(entry_point: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = dict(load_schema())
    schema["$ref"] = f"#/$defs/{entry_point}"
    return Draft202012Validator(schema)


def without_intrinsics(value: Any) -> Any:
    """``value`` with every intrinsic function replaced by an ``Intrinsic`` placeholder; the
    value itself (no copy) when it holds none, as almost every document does."""
    if isinstance(value, dict):
        if is_intrinsic(value):
            return Intrinsic(next(iter(value)))
        members: Any = value.items()
    elif isinstance(value, list):
        members = enumerate(value)
    else:
        return value
    copy = None
    for key, item in members:
        if isinstance(item, (dict, list)):
            replaced = without_intrinsics(item)
            if replaced is not item:
                copy = value.copy() if copy is None else copy
                copy[key] = replaced
    return value if copy is None else copy


def _fast_check(entry_point: str) -> Any:
    # Generated from the schema ahead of time (schema_check.py; a test keeps it in step).
    from ._schema_checks import CHECKS

    return CHECKS[entry_point]


def validate(data: Any, entry_point: str, intrinsics: bool = True) -> list[Violation]:
    """One violation per grammar error, each at the value (or key) it is about.
    ``intrinsics=False`` says the data surely holds no intrinsic function (nothing to replace)."""
    instance = without_intrinsics(data) if intrinsics else data
    if _fast_check(entry_point)(instance):
        return []  # valid: no need to import jsonschema for the details
    violations: list[Violation] = []
    most = limits.MAX_FINDINGS_PER_FILE + 1  # more than a file may report: the linter says so
    for error in _validator(entry_point).iter_errors(instance):
        violations.extend(itertools.islice(_to_violations(error), most - len(violations)))
        if len(violations) >= most:
            break
    return sorted(violations, key=lambda v: tuple(str(p) for p in v.path))


def _to_violations(error: Any) -> Iterator[Violation]:
    import json  # not on the path of a valid policy (json imports re)

    if isinstance(error.instance, Intrinsic):
        return
    path: JsonPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    key = _describe_key(path)
    keyword = error.validator
    value = error.instance
    if keyword == "required":
        missing = [name for name in error.validator_value if name not in value]
        for name in missing:
            yield Violation(path, {"message": f"{_owner(path)} lacks {name}"}, part="opening")
        return
    if keyword == "additionalProperties":
        allowed = set(schema.get("properties", {}))
        message_template = schema.get("x-additional-message")
        for extra in (k for k in value if k not in allowed):
            message = (message_template.format(key=key, value=json.dumps(extra)) if message_template
                       else f"unknown element {json.dumps(extra)} in {_owner(path)}")
            import difflib

            close = difflib.get_close_matches(extra, sorted(allowed), n=1, cutoff=0.75)
            if close and close[0] not in value:
                message += f"; did you mean {json.dumps(close[0])}?"
            yield Violation(path + (extra,), {"message": message}, part="key")
        return
    if keyword in ("minItems", "minProperties"):
        yield Violation(path, {"message": f"{key} must not be empty"})
        return
    if keyword == "pattern":
        template = schema.get("x-pattern-message", "{key} has an invalid value {value}")
    elif keyword in ("anyOf", "not"):
        template = schema.get("x-message") or error.message
        yield Violation(path, {"message": template.format(key=key, value=_show(value))}, part="opening")
        return
    else:
        template = schema.get("x-message") or error.message.replace("{", "{{").replace("}", "}}")
    yield Violation(path, {"message": template.format(key=key, value=_show(value))})


def _describe_key(path: JsonPath) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "the document"


def _owner(path: JsonPath) -> str:
    if not path:
        return "the policy document"
    if path[0] == "Statement" or isinstance(path[0], int):
        return "statement"
    return _describe_key(path)


def _show(value: Any) -> str:
    import json  # not on the path of a valid policy (json imports re)

    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, Intrinsic) else "(intrinsic)"
    return text if len(text) <= 60 else text[:57] + "..."
