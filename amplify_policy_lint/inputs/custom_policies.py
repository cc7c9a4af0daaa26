"""Amplify CLI ``amplify/backend/function/<name>/custom-policies.json``.

A list of ``{Action, Resource[, Effect]}`` statements that the Amplify CLI adds to the
function's execution role (``LambdaExecutionRole`` of ``<name>-cloudformation-template.json``
beside it) when it builds the backend. Effect defaults to Allow; there is no Version.
"""
from __future__ import annotations

import os

from ..amplify_layout import function_principal
from ..policy import DocKind, make_document
from ..source import Source
from . import Located, PrincipalInfo


def is_placeholder(data: object) -> bool:
    """The file the Amplify CLI writes when it creates a function, ``[{"Action": [],
    "Resource": []}]``. The CLI deploys nothing from a file whose first entry is this
    placeholder (amplify-cli-core ``resourceHasCustomPolicies``), so there is nothing to check."""
    if not isinstance(data, list) or not data:
        return False
    first = data[0]
    return isinstance(first, dict) and first.get("Action") == [] and first.get("Resource") == []


def locate(source: Source) -> Located:
    if is_placeholder(source.data):
        return Located(reason="the Amplify CLI's unedited placeholder; the CLI deploys nothing from it")
    principal = PrincipalInfo(function_principal(os.path.dirname(source.name)),
                              f"the function role of {source.name}")
    document = make_document(
        file=source.name, source=source, base=(), data=source.data, kind=DocKind.IDENTITY,
        label="Amplify custom policies", principals=(principal.id,), container="custom-policies",
        implicit_effect="Allow", bare_statements=True)
    return Located((document,), (principal,))
