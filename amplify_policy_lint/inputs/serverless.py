"""Serverless Framework service files (``serverless.yml``).

The service's role gets ``provider.iam.role.statements`` (Framework v3 and later) or
``provider.iamRoleStatements`` (older), a bare list of statements that the framework wraps
into a ``2012-10-17`` policy; ``managedPolicies``/``iamManagedPolicies`` are ARNs the linter
cannot read, so they make the role incomplete, as does a role given by name or ARN
(``provider.iam.role: arn:...``) or statements loaded from another file (``${file(...)}``).
With the serverless-iam-roles-per-function plugin, ``functions.<name>.iamRoleStatements``
is a role of its own (that also holds the provider's statements when
``iamRoleStatementsInherit`` is true). ``resources.Resources`` is CloudFormation and is
located as a template.

Serverless variables (``${self:custom.bucket}``, ``${aws:accountId}``, ``${file(...)}``) are
resolved by the framework at deploy time and may expand to anything, an ARN prefix
included: a string that holds one is read as an intrinsic function would be (unknown, so
no rule guesses about it), with its position unchanged.
"""
from __future__ import annotations


from ..model import JsonPath, PrincipalKey
from ..policy import DocKind, is_intrinsic
from ..source import Source
from . import Located
from .cloudformation import locate_resources
from .common import Collector, StatementListSource, get

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any


def recognises(data: dict) -> bool:
    provider = data.get("provider")
    return "service" in data and (isinstance(provider, dict) or isinstance(data.get("functions"), dict))


def locate(source: Source) -> Located:
    source = with_variables_unknown(source)
    collector = Collector(source, "serverless")
    data = source.data
    if isinstance(data, dict):
        _service_role(collector, data)
        if isinstance(get(data.get("resources"), "Resources"), dict):
            locate_resources(collector, source, ("resources",))
    return collector.located("no IAM statements or resources in this Serverless service")


def _service_role(collector: Collector, data: dict) -> None:
    source = collector.source
    provider = data.get("provider")
    if not isinstance(provider, dict):
        return
    service = data.get("service")
    name = service if isinstance(service, str) else source.name
    principal_id = collector.principal(PrincipalKey("serverless", source.name, "provider"),
                                       f"the role of Serverless service {name}")
    provider_documents = []
    iam = provider.get("iam")
    role = get(iam, "role")
    if isinstance(role, dict) and not is_intrinsic(role):
        provider_documents += _statements(collector, ("provider", "iam", "role", "statements"),
                                          role.get("statements"), principal_id, "provider.iam.role.statements")
        if role.get("managedPolicies"):
            collector.incomplete(principal_id)
    elif role is not None:  # an existing role (name, ARN, variable): its policies are elsewhere
        collector.incomplete(principal_id)
    if "iamRoleStatements" in provider:
        provider_documents += _statements(collector, ("provider", "iamRoleStatements"),
                                          provider.get("iamRoleStatements"), principal_id,
                                          "provider.iamRoleStatements")
    if provider.get("iamManagedPolicies") or provider.get("role"):
        collector.incomplete(principal_id)
    functions = data.get("functions")
    if not isinstance(functions, dict):
        return
    for function, settings in functions.items():
        if not isinstance(settings, dict) or "iamRoleStatements" not in settings:
            continue
        function_id = collector.principal(PrincipalKey("serverless", source.name, f"functions.{function}"),
                                          f"the role of function {function} of Serverless service {name}")
        _statements(collector, ("functions", function, "iamRoleStatements"), settings["iamRoleStatements"],
                    function_id, f"functions.{function}.iamRoleStatements")
        if settings.get("iamRoleStatementsInherit") is True:
            for pending in provider_documents:
                collector.attach(pending, function_id)
            if not collector.principals[principal_id].complete:
                collector.incomplete(function_id)


def _statements(collector: Collector, path: JsonPath, value: Any, principal_id: PrincipalKey, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):  # ${file(iam.yml)}, a variable: not readable here
        collector.incomplete(principal_id)
        return []
    source = StatementListSource(collector.source, path)
    pending = collector.add(path, DocKind.IDENTITY, f"{where} of the Serverless service", (principal_id,),
                            source=source, data_override=source.synthetic_data)
    return [pending] if pending is not None else []


def with_variables_unknown(source: Source) -> Source:
    """``source`` with every string that holds a Serverless variable replaced by
    ``{"Fn::Sub": text}``: a value known at deploy time only (positions are unchanged)."""
    data = _unknown_variables(source.data)
    if data is source.data:
        return source
    return Source(source.name, source.text, source.format, data, build_table=lambda: source.table,
                  multi_document=source.multi_document, yaml_scalars=source.yaml_scalars)


def _unknown_variables(value: Any) -> Any:
    if isinstance(value, str):
        return {"Fn::Sub": value} if "${" in value else value
    if isinstance(value, dict):
        changed = {k: _unknown_variables(v) for k, v in value.items()}
        return value if all(changed[k] is value[k] for k in value) else changed
    if isinstance(value, list):
        items = [_unknown_variables(v) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else items
    return value
