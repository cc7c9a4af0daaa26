"""Safe fixes never change what anybody is allowed.

Over generated policies (JSON in several layouts, YAML with unquoted dates and account ids,
with and without a Version, legacy Versions, policy variables, duplicates, wildcards, Deny,
NotAction) and over the corpus files that get a safe fix, every principal's decision
(``evaluate``) for every action the documents name, on every resource they name and on none,
is the same before and after ``--fix`` (safe fixes only). The fixed text also still parses.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amplify_policy_lint.config import Settings
from amplify_policy_lint.evaluate import evaluate
from amplify_policy_lint.fixes import fix_report
from amplify_policy_lint.linter import build_principals, file_format, lint_again, lint_paths
from amplify_policy_lint.locate import Hints, locate
from amplify_policy_lint.model import Safety
from amplify_policy_lint.policy import action_entries
from amplify_policy_lint.source import decode, parse

from conftest import CORPUS

SETTINGS = Settings()
# Actions asked about whatever the documents name: the ones the fixable rules are about.
PROBES = ("iam:PassRole", "amplifybackend:RemoveAllBackends", "amplify:DeleteApp", "s3:GetObject",
          "sts:AssumeRole")


def principals(name: str, data: bytes) -> list:
    text = decode(data)
    source, _ = parse(name, text, file_format(name, text))
    assert source is not None, f"{name} does not parse"
    return build_principals([locate(source, Hints())], None)


def named(principals_: list) -> tuple[set, set]:
    """The actions and resources the documents write (and the probes, and no resource)."""
    actions, resources = set(PROBES), {None}
    for principal in principals_:
        for document in principal.documents:
            actions.update(item.value for item in action_entries(document))
            for statement in document.statements:
                resources.update(item.value for item in statement.resources if item.value is not None)
    return actions, resources


def decisions(principals_: list, actions: set, resources: set) -> dict:
    """(principal, action, resource) -> decision."""
    result = {}
    for principal in principals_:
        for action in sorted(actions):
            for resource in sorted(resources, key=lambda r: (r is not None, r or "")):
                evaluation = evaluate(principal.documents, action, resource)
                result[(str(principal.id), action, resource)] = evaluation.decision
    return result


def safely_fixed(path: str) -> tuple[bytes, bytes, int]:
    """(before, after, fixes applied) of ``--fix`` on the file, nothing written."""
    report = lint_paths([path], SETTINGS)
    assert all(f.fix is None or f.fix.safety in (Safety.SAFE, Safety.UNSAFE) for f in report.findings)
    outcome = fix_report(report.findings, lambda texts: lint_again(texts, [path], SETTINGS)[0].findings,
                         unsafe=False)
    before = Path(path).read_bytes()
    return before, outcome.changes.get(path, (before, before))[1], outcome.applied


def assert_same_permissions(path: str) -> int:
    before, after, applied = safely_fixed(path)
    if before != after:
        # Asked for everything either text names: a removed duplicate is still asked about.
        old, new = principals(path, before), principals(path, after)
        actions, resources = (a | b for a, b in zip(named(old), named(new)))
        assert decisions(old, actions, resources) == decisions(new, actions, resources), \
            f"--fix changed what {path} allows"
    return applied


# --------------------------------------------------------------------------------------------
# Generated policies

ACTIONS = st.sampled_from(["s3:GetObject", "s3:Get*", "s3:getobject", "iam:PassRole", "lambda:CreateFunction",
                           "amplify:DeleteApp", "amplify:*", "amplifybackend:RemoveAllBackends", "*",
                           "ec2:DescribeInstances", "sts:AssumeRole"])
RESOURCES = st.sampled_from(["*", "arn:aws:s3:::assets/*", "arn:aws:s3:::home/${aws:username}/*",
                             "arn:aws:iam::123456789012:role/deploy", "arn:aws:amplify:eu-west-1:123456789012:apps/d1a2b3c4e5f6g7",
                             "arn:aws:amplifybackend:eu-west-1:123456789012:/backend/d1a2b3c4e5f6g7/*"])


def one_or_list(values):
    return st.one_of(values, st.lists(values, min_size=1, max_size=4))


CONDITIONS = st.sampled_from([{"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
                              {"StringLike": {"s3:prefix": "${aws:username}/*"}},
                              {"Bool": {"aws:SecureTransport": "true"}}])
STATEMENT = st.builds(
    lambda effect, key, actions, resources, sid, condition: {
        **({"Sid": sid} if sid else {}), "Effect": effect, key: actions, "Resource": resources,
        **({"Condition": condition} if condition else {})},
    st.sampled_from(["Allow", "Deny"]), st.sampled_from(["Action", "Action", "NotAction"]),
    one_or_list(ACTIONS), one_or_list(RESOURCES), st.sampled_from([None, "A", "B"]),
    st.one_of(st.none(), CONDITIONS))
POLICY = st.fixed_dictionaries(
    {"Statement": st.lists(STATEMENT, min_size=1, max_size=4)},
    optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17"]), "Id": st.just("p")})
LAYOUT = st.sampled_from(["json2", "json4", "tab", "compact", "crlf", "yaml", "yaml-flow"])


def render(policy: dict, layout: str) -> tuple[str, str]:
    """(file name, text) of the policy in a layout; YAML leaves dates and account ids unquoted."""
    if layout.startswith("yaml"):
        import yaml

        text = yaml.safe_dump(policy, sort_keys=False, default_flow_style=layout == "yaml-flow", width=1000)
        text = text.replace("'2012-10-17'", "2012-10-17").replace("'2008-10-17'", "2008-10-17")
        return "policy.yaml", text
    indent = {"json2": 2, "json4": 4, "tab": "\t", "compact": None, "crlf": 2}[layout]
    text = json.dumps(policy, indent=indent) + "\n"
    if layout == "crlf":
        text = text.replace("\n", "\r\n")
    return "policy.json", text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(policy=POLICY, layout=LAYOUT, order=st.booleans())
def test_safe_fixes_keep_what_generated_policies_allow(policy, layout, order, tmp_path_factory):
    if order and "Version" in policy:  # Version last, as some people write it
        policy = {**{k: v for k, v in policy.items() if k != "Version"}, "Version": policy["Version"]}
    name, text = render(policy, layout)
    directory = tmp_path_factory.mktemp("generated")
    path = os.path.join(str(directory), name)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    assert_same_permissions(path)


def test_generated_policies_do_get_fixed(tmp_path):
    """The property above is not vacuous: a policy of each layout without a Version is fixed."""
    policy = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    for layout in ("json2", "json4", "tab", "compact", "crlf", "yaml", "yaml-flow"):
        name, text = render(policy, layout)
        path = tmp_path / f"{layout}-{name}"
        path.write_bytes(text.encode())
        assert assert_same_permissions(str(path)) == 1, layout


# --------------------------------------------------------------------------------------------
# The corpus


def corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    found = []
    for folder in ("cloudformation", "amplify-custom-policies", "cloudformation-fragments"):
        for path in sorted((CORPUS / folder).rglob("*")):
            if path.is_file() and path.suffix in (".json", ".yaml", ".yml", ".template"):
                found.append(str(path))
    return found


@pytest.mark.skipif(not corpus_files(), reason="the shared corpus is not present")
def test_safe_fixes_keep_what_corpus_files_allow():
    files = corpus_files()
    report = lint_paths(files, SETTINGS)
    fixable = sorted({f.file for f in report.findings if f.fix is not None and f.fix.safety is Safety.SAFE})
    assert len(fixable) >= 10  # the corpus has unquoted dates and documents without a Version
    applied = sum(assert_same_permissions(path) for path in fixable)
    assert applied >= len(fixable)
