"""The roles a CloudFormation template defines, and the services that may assume them.

APL302's fix passes the roles of the same template that the receiving service may assume:
``{"Fn::GetAtt": [logical id, "Arn"]}`` of each ``AWS::IAM::Role`` whose trust policy allows
``sts:AssumeRole`` to that service principal, written literally (a service built with an
intrinsic function is not read).
"""
from __future__ import annotations



def roles_trusting(template: Any, services: Iterable[str]) -> list[str]:
    """Logical ids of the template's roles that one of ``services`` may assume, in order."""
    wanted = {service.lower() for service in services}
    resources = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(resources, dict) or not wanted:
        return []
    found = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::IAM::Role":
            continue
        properties = resource.get("Properties")
        trust = properties.get("AssumeRolePolicyDocument") if isinstance(properties, dict) else None
        if wanted & _trusted_services(trust):
            found.append(logical_id)
    return found


def _trusted_services(trust: Any) -> set[str]:
    statements = trust.get("Statement") if isinstance(trust, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return set()
    services: set[str] = set()
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = _strings(statement.get("Action"))
        if not any(a.lower() in ("sts:assumerole", "sts:*", "*") for a in actions):
            continue
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            services.update(s.lower() for s in _strings(principal.get("Service")))
    return services


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
