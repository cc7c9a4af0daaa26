"""APL407: a role trusts a web identity (OIDC) provider without conditions on the token.

- The provider is trusted with no condition on any of its keys (``<provider>:aud``,
  ``<provider>:sub``, ...): every identity that provider issues tokens for, in every
  application or account that uses it, can assume the role
  (MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL).
- GitHub Actions (``token.actions.githubusercontent.com``) without a test of
  ``token.actions.githubusercontent.com:sub``: a workflow of any repository on GitHub can
  assume the role (MISSING_GITHUB_REPO_CONDITION_KEY).
- A ``:sub`` value whose repository is a wildcard (``repo:my-org/*``), or whose branch or
  environment is one while no ``:ref``/``:environment`` test narrows it
  (SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED).

Only Allow statements of trust policies that name the provider in ``Federated`` and allow
``sts:AssumeRoleWithWebIdentity`` are judged; a test counts when its operator is positive
(not negated, not ``...IfExists``, not ``Null``, not ``ForAllValues``). Conditions that cannot
be read, and provider names only deploy time knows, are not judged.
"""
from __future__ import annotations


from .. import wildcard
from ..evaluate import Tri, action_matches_statement
from ..context import Context
from ..model import JsonPath, Rule, Scope, Severity, Violation
from ..policy import Condition, DocKind, PolicyDocument, Statement

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

ACTION = "sts:AssumeRoleWithWebIdentity"
GITHUB = "token.actions.githubusercontent.com"
# Web identity providers that need no IAM OIDC provider (IAM User Guide, "Create a role for
# a third-party identity provider"): their names are written as the Federated value.
BUILT_IN = ("cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com", "www.amazon.com")
_NEGATIVE = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike")


def providers(statement: Statement) -> Iterator[tuple[str, str, JsonPath]]:
    """(provider key prefix in lower case, as written, path of the Federated entry) of each
    web identity provider."""
    if statement.principal_key != "Principal":
        return
    for value, path in statement.principal_entries("Federated"):
        lowered = value.lower()
        if lowered in BUILT_IN:
            yield lowered, value, path
            continue
        head, marker, provider = value.partition(":oidc-provider/")
        if marker and head.startswith("arn:") and provider and not wildcard.has_wildcard(provider):
            yield provider.lower(), provider, path


def _positive(condition: Condition) -> bool:
    operator = condition.operator
    return (operator.known and not operator.if_exists and operator.base != "Null"
            and operator.base not in _NEGATIVE and operator.qualifier != "ForAllValues:")


def _tests(statement: Statement, provider: str) -> list[Condition]:
    prefix = provider + ":"
    return [c for c in statement.conditions
            if c.key_lower is not None and c.key_lower.startswith(prefix) and _positive(c)]


def _sub_findings(statement: Statement, tests: list[Condition]) -> Iterator[Violation]:
    narrowed = any(c.key_lower in (f"{GITHUB}:ref", f"{GITHUB}:environment", f"{GITHUB}:job_workflow_ref")
                   for c in tests)
    for condition in tests:
        if condition.key_lower != f"{GITHUB}:sub":
            continue
        for value in condition.values:
            text = value.text
            if text is None or "${" in text or not wildcard.has_wildcard(text):
                continue
            _, _, rest = text.partition("repo:")
            repository, _, qualifier = rest.partition(":")
            if not rest or wildcard.has_wildcard(repository) or "/" not in repository:
                yield Violation(value.path, {"value": text}, variant="any-repo")
            elif wildcard.has_wildcard(qualifier) and not narrowed:
                yield Violation(value.path, {"value": text, "repository": repository}, variant="any-branch")


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind is not DocKind.TRUST:
        return
    for statement in document.statements:
        if statement.effect != "Allow" or statement.condition_unknown:
            continue
        if action_matches_statement(statement, ACTION)[0] is not Tri.YES:
            continue
        for provider, written, path in providers(statement):
            tests = _tests(statement, provider)
            if provider == GITHUB:
                if not any(c.key_lower == f"{GITHUB}:sub" for c in tests):
                    yield Violation(path, {"provider": provider}, variant="github-no-sub")
                    continue
                yield from _sub_findings(statement, tests)
            elif not tests:
                yield Violation(path, {"provider": written}, variant="no-condition")


RULE = Rule(
    id="APL407",
    name="web-identity-trust-without-conditions",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="role trusts a web identity (OIDC) provider without conditions on the token (GitHub Actions without :sub)",
    why=(
        "A trust policy that names a web identity provider lets anyone holding a token from "
        "that provider assume the role, unless its Condition tests the token's claims. For "
        "GitHub Actions (token.actions.githubusercontent.com) the token of any workflow in any "
        "repository on GitHub is accepted unless token.actions.githubusercontent.com:sub names "
        "the repository (and branch or environment): a role for your deployments becomes "
        "everyone's. For Cognito identity pools and other providers, the audience (…:aud) names "
        "your application; without it, identities of other people's applications get in. A :sub "
        "value such as repo:my-org/* lets every repository of the organization in. IAM Access "
        "Analyzer reports all three."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},\n    "Action": "sts:AssumeRoleWithWebIdentity",\n    "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},\n    "Action": "sts:AssumeRoleWithWebIdentity",\n    "Condition": {"StringEquals": {\n      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",\n      "token.actions.githubusercontent.com:sub": "repo:my-org/amplify-app:ref:refs/heads/main"\n    }}\n  }]\n}\n',
    example_name="trust-policy.json",
    fix="Test the token's claims: for GitHub Actions, StringEquals "
        "token.actions.githubusercontent.com:sub repo:ORG/REPO:ref:refs/heads/BRANCH (or "
        "repo:ORG/REPO:environment:NAME) and …:aud sts.amazonaws.com; for other providers, "
        "at least the audience (…:aud, for Cognito your identity pool id).",
    messages={
        "no-condition": "the role trusts {provider} with no condition on its token's claims: any identity "
                        "it issues tokens for can assume it; test {provider}:aud (and :sub)",
        "github-no-sub": "the role trusts GitHub Actions without a token.actions.githubusercontent.com:sub "
                         "condition: a workflow of any repository on GitHub can assume it; name the repository "
                         "and branch in :sub",
        "any-repo": ":sub value {value!r} leaves the repository open: workflows of other repositories can "
                    "assume the role; name the repository (repo:ORG/REPO:ref:refs/heads/BRANCH)",
        "any-branch": ":sub value {value!r} allows every branch or environment of {repository} (and pull "
                      "requests' workflows); name the branch or environment, or add a :ref condition",
    },
    check=check,
    access_analyzer=(
        "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", "MISSING_GITHUB_REPO_CONDITION_KEY",
        "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED",
    ),
    references=(
        "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif",
    ),
)
