"""The rule registry (rules/__init__.py) names every rule without importing it: each line
must say what its module says, and skipping a rule by ``kinds``/``needs`` must never lose a
finding (the rule would have found nothing there)."""
from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from amplify_policy_lint import rules
from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity
from amplify_policy_lint.rules import INDEX, RuleRef

ROOT = Path(__file__).resolve().parent.parent
RULE_MODULES = sorted(p.stem for p in (ROOT / "amplify_policy_lint" / "rules").glob("*.py") if p.stem != "__init__")
CORPUS = ROOT.parent / "shared" / "corpus"


def test_every_rule_module_has_one_line_that_matches_it():
    assert sorted(ref.module for ref in INDEX) == RULE_MODULES
    for ref in INDEX:
        rule = importlib.import_module(f"amplify_policy_lint.rules.{ref.module}").RULE
        assert (ref.id, ref.name, ref.scope) == (rule.id, rule.name, rule.scope), ref.module
        assert ref.load() is rule
    assert [ref.id for ref in INDEX] == sorted(ref.id for ref in INDEX)


def test_only_document_rules_are_skipped_by_what_a_document_holds():
    for ref in INDEX:
        if ref.kinds is not None or ref.needs:
            assert ref.scope.value == "document", ref.id


def test_a_small_identity_policy_imports_only_the_rules_that_apply(tmp_path):
    policy = tmp_path / "p.json"
    policy.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
                      '"Resource": "*"}]}')
    probe = ("import sys\nfrom amplify_policy_lint.cli import main\nmain([sys.argv[1]])\n"
             "print(sorted(m.rpartition('.')[2] for m in sys.modules if m.startswith('amplify_policy_lint.rules.')))")
    loaded = subprocess.run([sys.executable, "-c", probe, str(policy)], capture_output=True, text=True,
                            check=True).stdout
    for module in ("public_trust", "invalid_condition", "web_identity_trust", "ip_range"):
        assert f"'{module}'" not in loaded
    assert "'unknown_action'" in loaded


def _findings(folder: Path, monkeypatch, every_rule: bool) -> list[tuple]:
    with monkeypatch.context() as patch:
        if every_rule:
            patch.setattr(RuleRef, "applies", lambda self, facts: True)
        report = lint_paths([str(folder)], Settings(fail_on=Severity.INFO, skip_generated=False))
    return sorted((f.file, f.span.line, f.span.column, f.rule.id, f.message) for f in report.findings)


@pytest.mark.parametrize("folder", ["fixtures/rules", "fixtures/inputs"])
def test_skipping_loses_no_finding_on_the_fixtures(folder, monkeypatch):
    assert _findings(ROOT / folder, monkeypatch, False) == _findings(ROOT / folder, monkeypatch, True)


@pytest.mark.parametrize("folder", ["aws-managed", "cloudformation", "amplify-custom-policies"])
def test_skipping_loses_no_finding_on_the_corpus(folder, monkeypatch):
    if not (CORPUS / folder).is_dir():
        pytest.skip(f"{CORPUS / folder} is absent (the shared corpus lives beside the checkout)")
    assert _findings(CORPUS / folder, monkeypatch, False) == _findings(CORPUS / folder, monkeypatch, True)


def test_rules_and_by_id_hold_every_rule_for_documentation():
    assert [rule.id for rule in rules.RULES] == [ref.id for ref in INDEX]
    assert set(rules.BY_ID) == {ref.id for ref in INDEX}


SERVICE_NAMES = sorted(rules.SERVICES_ASKED | {"s3", "amplify", "ec2", "iam-ish", "sts"})


@pytest.mark.parametrize("ref", [r for r in INDEX if r.scope.value == "document"], ids=lambda r: r.id)
def test_facts_keep_only_the_services_some_rule_asks_about_and_decide_the_same(ref):
    """linter keeps, of a document's services, only SERVICES_ASKED in its Facts: every rule
    answers alike with the whole set and with that part of it."""
    from itertools import combinations

    for size in range(4):
        for services in combinations(SERVICE_NAMES, size):
            whole = frozenset(services)
            for kind in ("identity", "trust", "resource", "unknown"):
                full = rules.Facts(kind, frozenset({"Action", "Condition"}), "json", whole, True)
                kept = full._replace(services=whole & rules.SERVICES_ASKED)
                assert ref.applies(full) == ref.applies(kept), (services, kind)
