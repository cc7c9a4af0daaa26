"""The Amplify CLI project layout, known here and nowhere else.

An Amplify CLI function lives in ``amplify/backend/function/<name>/``; its execution role
is ``LambdaExecutionRole`` of ``<name>-cloudformation-template.json`` there, extended by the
statements of ``custom-policies.json`` beside it. Both files are one principal.
"""
from __future__ import annotations

import os

from .model import PrincipalKey

CUSTOM_POLICIES_NAME = "custom-policies.json"
TEMPLATE_SUFFIX = "-cloudformation-template.json"
EXECUTION_ROLE = "LambdaExecutionRole"


def function_dir(file: str) -> str | None:
    """The function's directory when ``file`` is its custom-policies.json or its template."""
    directory, name = os.path.split(os.path.normpath(file))
    if name != CUSTOM_POLICIES_NAME and not name.endswith(TEMPLATE_SUFFIX):
        return None  # neither of function_files(): asked of every file a run reads
    parent, function = os.path.split(directory)
    if os.path.basename(parent) != "function" or os.path.basename(os.path.dirname(parent)) != "backend":
        return None
    if name in function_files(function):
        return directory
    return None


def is_function_template(file: str) -> bool:
    """Whether ``file`` is an Amplify CLI function's CloudFormation template."""
    return function_dir(file) is not None and os.path.basename(file) != CUSTOM_POLICIES_NAME


def function_files(function: str) -> tuple[str, str]:
    """The names of the files that hold a function's policies, in its directory."""
    return (CUSTOM_POLICIES_NAME, f"{function}{TEMPLATE_SUFFIX}")


def function_principal(directory: str) -> PrincipalKey:
    """The principal of a function's execution role, the same whichever of its two files
    names it and however the directory is written (``./amplify/...`` or ``amplify/...``)."""
    return PrincipalKey("amplify-function", os.path.join(os.path.normpath(directory), CUSTOM_POLICIES_NAME))
