"""The real templates of ../shared/corpus: no crash, no internal error, and every template
that holds an IAM policy yields located policy documents, and every finding over them is
the reviewed set pinned in ``corpus_expected/cloudformation-custom-policies.txt`` (one
judgement per line): a finding gained, lost or changed in severity fails here and is
reviewed again.

The corpus is a collection of templates, Amplify CLI build copies among them: it is walked whole
(skip_generated=False), not as a project would be.
"""
from __future__ import annotations

import collections
import os
from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.discover import discover
from amplify_policy_lint.linter import Plan, file_format, lint_file, lint_paths
from amplify_policy_lint.model import Severity
from amplify_policy_lint.source import decode, iter_nodes, parse

from conftest import corpus

POLICY_KEYS = {"PolicyDocument", "AssumeRolePolicyDocument", "KeyPolicy"}


def holds_policy(data) -> bool:
    """Independently of the locators: a key that names a policy document, holding one."""
    for path, value in iter_nodes(data):
        if path and path[-1] in POLICY_KEYS and (
                (isinstance(value, dict) and "Statement" in value)
                or (isinstance(value, str) and "Statement" in value)):
            return True
    return False


def test_cloudformation_corpus(capsys):
    root = corpus("cloudformation")
    files, errors = discover([str(root)], skip_generated=False)
    assert errors == [] and len(files) >= 500
    plan = Plan.build(Settings(skip_generated=False))
    kinds: collections.Counter = collections.Counter()
    principals = incomplete = holding = located_files = 0
    missing = []
    for name in files:
        outcome = lint_file(name, plan)  # an internal error raises here
        assert outcome.report.errors == [], name
        located = outcome.located
        text = decode(open(name, "rb").read())
        source, _ = parse(name, text, file_format(name, text))
        # Rain modules (`Type: !Rain::Module`) are not CloudFormation until rain expands them.
        if source is not None and holds_policy(source.data) and "!Rain::Module" not in text:
            holding += 1
            if located is None or not located.documents:
                missing.append(os.path.relpath(name, root))
        if located is not None and located.documents:
            located_files += 1
            kinds.update(d.kind.value for d in located.documents)
            used = {p for d in located.documents for p in d.principals}
            members = [p for p in located.principals if p.id in used]
            principals += len(members)
            incomplete += sum(not p.complete for p in members)
    assert missing == []
    assert holding >= 450 and located_files >= holding
    with capsys.disabled():
        print(f"\ncorpus/cloudformation: {len(files)} templates, {holding} hold IAM policies, "
              f"{located_files} with located documents {dict(kinds)}, {principals} principals "
              f"({incomplete} incomplete)")


def test_cloudformation_corpus_through_the_pipeline():
    report = lint_paths([str(corpus("cloudformation"))], Settings(skip_generated=False))
    assert report.errors == []
    assert report.files_checked >= 450


def test_amplify_custom_policies_corpus():
    root = corpus("amplify-custom-policies")
    report = lint_paths([str(root)], Settings(skip_generated=False))
    assert report.errors == []
    files, _ = discover([str(root)], skip_generated=False)
    plan = Plan.build(Settings(skip_generated=False))
    for name in files:
        outcome = lint_file(name, plan)
        # Each is located, or is the Amplify CLI's unedited placeholder.
        assert outcome.located is not None or "placeholder" in " ".join(outcome.report.notes), name


@pytest.mark.parametrize("folder", ["cloudformation-fragments"])
def test_fragments_do_not_crash(folder):
    report = lint_paths([str(corpus(folder))], Settings(skip_generated=False))
    assert report.errors == []


PINNED = Path(__file__).parent / "corpus_expected" / "cloudformation-custom-policies.txt"


def test_every_finding_over_the_templates_and_custom_policies_is_the_reviewed_set():
    root = corpus("cloudformation").parent
    found = []
    for folder in ("cloudformation", "amplify-custom-policies"):
        report = lint_paths([str(root / folder)], Settings(fail_on=Severity.INFO, skip_generated=False))
        assert report.errors == []
        found += [f"{os.path.relpath(f.file, root)}:{f.span.line}:{f.span.column}: {f.rule.id} {f.severity.value}"
                  for f in report.findings]
    pinned = [" ".join(line.split("#", 1)[0].split(" ")[:3])
              for line in PINNED.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    # Compared as multisets: one place may hold two findings of a rule (Action and NotAction,
    # Resource and NotResource in one statement).
    added = sorted((collections.Counter(found) - collections.Counter(pinned)).elements())
    lost = sorted((collections.Counter(pinned) - collections.Counter(found)).elements())
    assert not added and not lost, (
        f"{len(added)} finding(s) not in {PINNED.name}: {added[:10]}; {len(lost)} pinned finding(s) gone: {lost[:10]}")
