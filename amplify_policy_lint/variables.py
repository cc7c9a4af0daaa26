"""The syntax of IAM policy variables: ``${key}``, ``${key, 'default'}`` and the escapes
``${*}``, ``${?}``, ``${$}``.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""
from __future__ import annotations
from .records import NamedTuple


# Characters written as variables so that IAM does not read them as wildcards or a variable.
ESCAPES = ("*", "?", "$")


class VariableProblem(NamedTuple):
    code: str  # the Access Analyzer issue code
    variable: str  # the text of the variable as written (up to the end of the value without "}")


def problems(text: str) -> Iterator[VariableProblem]:
    """What is wrong with each ``${...}`` in ``text``, in order. Scans once from left to right."""
    start = text.find("${")
    while start >= 0:
        close = text.find("}", start + 2)
        following = text.find("${", start + 2)
        if close < 0 or 0 <= following < close:
            end = following if following >= 0 else len(text)
            yield VariableProblem("MISSING_BRACE_IN_VARIABLE", text[start:end])
            start = following
            continue
        inner = text[start + 2:close]
        variable = text[start:close + 1]
        problem = _inner_problem(inner)
        if problem is not None:
            yield VariableProblem(problem, variable)
        start = text.find("${", close + 1)


def _inner_problem(inner: str) -> str | None:
    if inner in ESCAPES:
        return None
    if not inner.strip():
        return "EMPTY_VARIABLE"
    name, comma, default = inner.partition(",")
    if any(c.isspace() for c in name.strip()):
        return "UNSUPPORTED_SPACE_IN_VARIABLE"
    if comma:
        value = default.strip()
        if len(value) < 2 or value[0] != "'" or value[-1] != "'" or "'" in value[1:-1]:
            return "MISSING_QUOTE_IN_VARIABLE"
    return None
