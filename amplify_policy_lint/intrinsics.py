"""CloudFormation intrinsic functions whose value needs no parameter.

Rules never guess: a value built from a parameter, a resource attribute, an import or a
condition (``!Ref Param``, ``!GetAtt``, ``!ImportValue``, ``!If``) is unknown, and a rule
that needs it stays quiet. What *can* be known without a deployment is resolved here:
literal strings, ``Fn::Join`` and ``Fn::Sub`` of literals and pseudo parameters. The
caller decides what a pseudo parameter stands for (``AWS::AccountId`` may be "this
account", which no literal names). Positions stay those of the intrinsic as written.
"""
from __future__ import annotations


from . import regex
from .policy import is_intrinsic

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Mapping

# Stands for the account the template is deployed to: no real account id looks like it.
OWN_ACCOUNT = "<own-account>"

# Pseudo parameters as placeholders that keep an ARN's shape (arn:<partition>:iam::<own-account>:root)
# without pretending to know the deployment's values: good for telling which account an ARN
# names, not for matching resources.
PSEUDO_PARAMETERS: Mapping[str, str] = {
    "AWS::AccountId": OWN_ACCOUNT,
    "AWS::Partition": "<partition>",
    "AWS::Region": "<region>",
    "AWS::URLSuffix": "<url-suffix>",
    "AWS::StackName": "<stack-name>",
    "AWS::StackId": "<stack-id>",
}

# No "{" inside: the scan from each "${" stops at the next "{", so it stays linear ([^}]* was
# quadratic on a long run of "${" without "}").
_SUB_VARIABLE = regex.compile(r"\$\{([^{}]*)\}")


def resolve(value: Any, pseudo: Mapping[str, str] = PSEUDO_PARAMETERS, depth: int = 0) -> str | None:
    """The string ``value`` stands for, or None when it depends on something unknown."""
    if isinstance(value, str):
        return value
    if depth > 20 or not is_intrinsic(value):
        return None
    (name, argument), = value.items()
    if name == "Ref":
        return pseudo.get(argument) if isinstance(argument, str) else None
    if name == "Fn::Join":
        if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)
                and isinstance(argument[1], list)):
            return None
        parts = [resolve(part, pseudo, depth + 1) for part in argument[1]]
        return None if any(p is None for p in parts) else argument[0].join(parts)  # type: ignore[arg-type]
    if name == "Fn::Sub":
        variables: Mapping[str, Any] = {}
        template = argument
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[1], dict):
                return None
            template, variables = argument
        if not isinstance(template, str):
            return None
        return _substitute(template, variables, pseudo, depth)
    return None


def _substitute(template: str, variables: Mapping[str, Any], pseudo: Mapping[str, str], depth: int) -> str | None:
    result = []
    last = 0
    for match in _SUB_VARIABLE.finditer(template):
        result.append(template[last:match.start()])
        last = match.end()
        name = match.group(1)
        if name.startswith("!"):  # ${!Literal} is written as ${Literal}
            result.append("${" + name[1:] + "}")
            continue
        if name in variables:
            resolved = resolve(variables[name], pseudo, depth + 1)
        else:
            resolved = pseudo.get(name)
        if resolved is None:
            return None
        result.append(resolved)
    result.append(template[last:])
    return "".join(result)
