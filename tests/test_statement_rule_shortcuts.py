"""The shortcuts of the statement rules (APL302, APL502, APL506, APL101, ...) give the answers
the plain way gives: each is checked here against a direct, unoptimised statement of the rule
on generated policies. No test here times anything (benchmarks/ measures)."""
from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from amplify_policy_lint import wildcard
from amplify_policy_lint.context import Context
from amplify_policy_lint.fastjson import dumps
from amplify_policy_lint.model import PrincipalKey
from amplify_policy_lint.policy import DocKind, make_document
from amplify_policy_lint.source import parse_json

# Few letters, so that entries repeat, differ in case only, and patterns cover one another.
ACTION_TEXTS = st.sampled_from(["s3:GetObject", "s3:getobject", "s3:Get*", "s3:*", "S3:Put*", "s3:PutObject",
                                "iam:PassRole", "iam:*", "*", "s3:G?tObject", "s3:*Object", "ec2:Run*"])
RESOURCE_TEXTS = st.sampled_from(["*", "*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/k", "arn:aws:s3:::B/k",
                                  "arn:aws:s3:::b*", "arn:aws:iam::1:role/r", "arn:aws:iam::1:role/*", "${x}"])
CONDITIONS = st.sampled_from([None, None, None, {}, {"Bool": {"aws:SecureTransport": "true"}},
                              {"Bool": {"aws:SecureTransport": "false"}}])


def _entries(texts):
    return st.lists(texts, min_size=0, max_size=3) | texts | texts


@st.composite
def statements(draw):
    statement = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Allow", "Deny", "allow"]))}
    statement[draw(st.sampled_from(["Action", "Action", "Action", "NotAction"]))] = draw(_entries(ACTION_TEXTS))
    key = draw(st.sampled_from(["Resource", "Resource", "Resource", "NotResource", None]))
    if key is not None:
        statement[key] = draw(_entries(RESOURCE_TEXTS))
    condition = draw(CONDITIONS)
    if condition is not None:
        statement["Condition"] = condition
    if draw(st.booleans()) and draw(st.booleans()):
        statement["Principal"] = draw(st.sampled_from(["*", {"AWS": "arn:aws:iam::1:root"}]))
    return statement


def _document(statement_list):
    data = {"Version": "2012-10-17", "Statement": statement_list}
    source, _ = parse_json("p.json", json.dumps(data))
    return make_document(file="p.json", source=source, base=(), data=source.data, kind=DocKind.IDENTITY,
                         label="identity policy", principals=(PrincipalKey("file", "p.json"),))


# --- APL506 redundant-statement -------------------------------------------------------------

def _plain_texts(statement):
    """APL506's judged entries, the plain way: entry by entry."""
    if statement.action_key != "Action" or statement.resource_key not in ("Resource", None):
        return None
    values = [item.value for item in statement.actions]
    resources = [item.value for item in statement.resources]
    if not values or any(v is None or "${" in v for v in values + resources):
        return None
    return values, resources


def _covers_all(general, specific, ignore_case):
    return all(any(wildcard.covers(g, s, ignore_case=ignore_case) for g in general) for s in specific)


def _redundant_statements_plainly(document):
    """For each statement, the first other statement of the document that makes it (by the
    rule's definition), compared with every other statement."""
    def canonical(value):
        return dumps(value, sort_keys=True, default=str)

    judged = [(index, statement, texts) for index, statement in enumerate(document.statements)
              if statement.effect is not None and (texts := _plain_texts(statement)) is not None]
    found = []
    for index, statement, (actions, resources) in judged:
        key = (statement.effect, statement.principal_key, canonical(statement.principal), statement.resource_key)
        for other_index, other, (other_actions, other_resources) in judged:
            if other_index == index or (other.effect, other.principal_key, canonical(other.principal),
                                        other.resource_key) != key:
                continue
            same_condition = canonical(other.condition) == canonical(statement.condition)
            if other.condition not in (None, {}) and not same_condition:
                continue
            if not (_covers_all(other_resources, resources, False) and _covers_all(other_actions, actions, True)):
                continue
            mutual = (same_condition and _covers_all(resources, other_resources, False)
                      and _covers_all(actions, other_actions, True))
            if mutual and other_index > index:
                continue
            found.append((statement.path, other_index))
            break
    return found


@given(st.lists(statements(), max_size=7))
def test_redundant_statements_are_those_every_pair_of_statements_gives(statement_list):
    from amplify_policy_lint.rules import redundant_statement

    document = _document(statement_list)
    got = [(v.path, int(v.args["other"].split()[1].split()[0]) - 1)
           for v in redundant_statement.check(document, Context())]
    assert sorted(got) == _redundant_statements_plainly(document)  # (the rule reports group by group)


@given(st.lists(st.text(alphabet="aAΣσςİı'\n·:*", max_size=5), min_size=1, max_size=5))
def test_apl506_lowers_a_list_at_once_as_entry_by_entry(values):
    """Lower case of the joined list: final sigma, dotted I and line breaks inside entries."""
    from amplify_policy_lint.rules import redundant_statement

    document = _document([{"Effect": "Allow", "Action": values, "Resource": "*"}])
    (statement,) = document.statements
    texts = redundant_statement._texts(statement)
    expected = None if any("${" in v for v in values) else [v.lower() for v in values]
    assert (texts[0] if texts is not None else None) == expected


# --- the evaluator: the action index and the entry table of long statements ----------------

ODD_NAMES = st.sampled_from(["iam:PassRole", "IAM:passrole", "iam:Pass*", "iam:PassRole\n", "iam:Pass\nRole",
                             "", "*", "i?m:PassRole", "s3:GetObject", "s3:getobject", "ΑΣ:Σ", "ας:σ", "İ:x",
                             "lambda:CreateFunction", "lambda:*", "*:CreateFunction", "a:b\nc:d"])
ASKED = st.sampled_from(["iam:PassRole", "s3:GetObject", "lambda:CreateFunction", "ας:σ", "ΑΣ:Σ", "i̇:x",
                         "iam:Pass\nRole", "c:d", "", "a:b\nc:d"])


@st.composite
def odd_statements(draw):
    statement = {"Effect": draw(st.sampled_from(["Allow", "Deny", "Allow"]))}
    statement[draw(st.sampled_from(["Action", "Action", "NotAction"]))] = draw(
        st.lists(ODD_NAMES | st.just({"Ref": "X"}), max_size=12) | ODD_NAMES)
    statement["Resource"] = "*"
    if draw(st.booleans()) and draw(st.booleans()):
        statement["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    return statement


def _evaluate_plainly(document, action):
    """evaluate() judging every statement, entry by entry."""
    import pytest

    from amplify_policy_lint import evaluate as module
    from amplify_policy_lint.policy import ActionIndex

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "_SCANNED", 10 ** 9)
        patch.setattr(ActionIndex, "candidates", lambda self, _: list(self._statements))
        return module._evaluate((document,), action, None)


@given(st.lists(odd_statements(), max_size=6), ASKED)
def test_evaluation_through_the_index_and_entry_tables_is_the_plain_one(statement_list, action):
    from amplify_policy_lint.evaluate import action_matches_statement, evaluate

    document = _document(statement_list)
    indexed = evaluate([document], action)
    plain = _evaluate_plainly(document, action)
    assert indexed.decision is plain.decision
    assert [(g.statement.path, g.path, g.conditional) for g in indexed.grants] == [
        (g.statement.path, g.path, g.conditional) for g in plain.grants]
    assert [(g.statement.path, g.path) for g in indexed.denials] == [(g.statement.path, g.path) for g in plain.denials]
    for statement in document.statements:  # asked twice: the kept table answers as the first time
        assert action_matches_statement(statement, action) == action_matches_statement(statement, action)


# --- APL302: the PassRole candidates ---------------------------------------------------------

def _candidates_plainly(documents):
    from amplify_policy_lint import passrole

    found = set()
    for document in documents:
        for statement in document.statements:
            if statement.effect != "Allow":
                continue
            values = [item.value for item in statement.actions]
            if statement.action_key == "Action":
                for value in values:
                    if value is not None:
                        found.update(passrole.matching(value))
            elif statement.action_key == "NotAction" and None not in values:
                found.update(passrole.not_matching(values))
    return found


PASSING = st.sampled_from(["lambda:CreateFunction", "Lambda:createfunction", "lambda:Create*", "lambda:*",
                           "amplify:CreateApp", "ec2:RunInstances", "iam:PassRole", "iam:Pass*", "s3:GetObject",
                           "*", "lambda:CreateFunction\nx", "states:CreateStateMachine"])


@st.composite
def passing_statements(draw):
    statement = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    statement[draw(st.sampled_from(["Action", "Action", "NotAction"]))] = draw(
        st.lists(PASSING | st.just({"Ref": "X"}), min_size=1, max_size=5) | PASSING)
    statement["Resource"] = draw(st.sampled_from(["*", "arn:aws:iam::123456789012:role/r", "arn:aws:s3:::b"]))
    if draw(st.booleans()) and draw(st.booleans()):
        statement["Condition"] = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
    return statement


@given(st.lists(passing_statements(), min_size=1, max_size=5), st.booleans())
def test_passrole_findings_with_the_candidates_of_the_index_are_those_of_each_entry(statement_list, one_by_one):
    """The candidates from the action index may hold entries only a Deny names (the evaluator
    weeds them out): a superset of each Allow entry's matches, and the same findings."""
    import pytest

    from amplify_policy_lint import passrole
    from amplify_policy_lint.policy import Principal
    from amplify_policy_lint.rules import passrole_missing

    document = _document(statement_list)
    principal = Principal(PrincipalKey("file", "p.json"), "p.json", (document,))
    with pytest.MonkeyPatch.context() as patch:  # both ways of looking names up
        patch.setattr(passrole, "_named_one_by_one", 10 ** 9 if one_by_one else 0)
        assert passrole_missing._candidates((document,)) >= _candidates_plainly((document,))
        found = [(v.path, v.variant, v.severity, dict(v.args)) for v in passrole_missing.check(principal, Context())]
        document.forget_queries()
        patch.setattr(passrole_missing, "_candidates", _candidates_plainly)
        plainly = [(v.path, v.variant, v.severity, dict(v.args)) for v in passrole_missing.check(principal, Context())]
    assert found == plainly


@given(st.lists(st.sampled_from(sorted(__import__("amplify_policy_lint.passrole", fromlist=["x"])._raw()))
                | st.text(alphabet="iamPsRole:*x", max_size=14), max_size=30))
def test_passrole_named_is_matching_of_each_name(names):
    from amplify_policy_lint import passrole

    names = [name.lower() for name in names if "*" not in name and "?" not in name]
    expected = sorted({e.key for name in names for e in passrole.matching(name)})
    for budget in (0, 10 ** 9):
        passrole._named_one_by_one, saved = budget, passrole._named_one_by_one
        try:
            assert sorted({e.key for e in passrole.named(names)}) == expected
        finally:
            passrole._named_one_by_one = saved


# --- APL502: short lists -----------------------------------------------------------------------

@given(st.lists(st.text(alphabet="ab*?:", max_size=5), max_size=12))
def test_redundant_entries_of_a_short_list_are_those_of_the_sorted_index(texts):
    from amplify_policy_lint.rules import redundant_entry

    assert redundant_entry._covered_few(texts) == redundant_entry._covered(texts)


# --- APL303: a pattern that covers every role ----------------------------------------------------

@given(st.sampled_from(["", "arn:", "arn:aws:", "arn:aws:iam::", "arn:*:iam::*:", "arn:aws:iam::123456789012:",
                        "arn:aws-cn:iam::1:ro", "a*:", "arn:aws:iam::*:role/"]),
       st.text(alphabet="arn:ws*?/ioleP12", max_size=12), st.sampled_from(["", "*", "**"]))
def test_covers_every_role_is_a_match_of_some_prefix_of_the_role_arn(start, body, stars):
    body = start + body
    from amplify_policy_lint import passrole
    from amplify_policy_lint.resources import parse_arn

    pattern = body + stars
    if "${" in pattern or wildcard.compile(pattern).matches_everything or not pattern.endswith("*"):
        return
    arn = parse_arn(pattern, head=None)
    partition = arn.partition if arn is not None and not wildcard.has_wildcard(arn.partition) else "aws"
    account = arn.account if arn is not None and not wildcard.has_wildcard(arn.account) else "123456789012"
    prefix = f"arn:{partition}:iam::{account}:role/"
    head = pattern.rstrip("*")
    plainly = any(wildcard.compile(head, ignore_case=False).matches(prefix[:k]) for k in range(len(prefix) + 1))
    assert passrole.covers_every_role(pattern) is plainly


def test_covers_every_role_on_chosen_patterns():
    from amplify_policy_lint import passrole

    assert passrole.covers_every_role("arn:aws:iam::*:role/*")
    assert passrole.covers_every_role("arn:aws:iam::123456789012:*")
    assert passrole.covers_every_role("arn:aws:iam::123456789012:ro*")
    assert not passrole.covers_every_role("arn:aws:iam::123456789012:role/amplify-*")
    assert not passrole.covers_every_role("arn:aws:iam::123456789012:role/service-role/*")


# --- APL204: answers kept per key ----------------------------------------------------------------

CONDITION_KEYS = st.sampled_from(["aws:SourceArn", "aws:sourcearn", "aws:NoSuchKey", "s3:prefix", "S3:Prefix",
                                  "s3:NoSuchKey", "ec2:ResourceTag/Team", "iam:PassedToService", "nosuchsvc:key",
                                  "token.actions.githubusercontent.com:sub", "bad key", "noprefix", ":x", "saml:sub"])


@given(st.lists(st.fixed_dictionaries({
    "Effect": st.just("Allow"),
    "Action": st.lists(st.sampled_from(["s3:GetObject", "ec2:RunInstances", "iam:PassRole", "nosuchsvc:Do",
                                        "s3:*", "*"]), min_size=1, max_size=3),
    "Resource": st.just("*"),
    "Condition": st.dictionaries(st.sampled_from(["StringEquals", "StringLike", "Null"]),
                                 st.dictionaries(CONDITION_KEYS, st.just("x"), min_size=1, max_size=3),
                                 min_size=1, max_size=2)}), min_size=1, max_size=3))
def test_unknown_condition_keys_are_those_each_key_gets_afresh(statement_list):
    import pytest

    from amplify_policy_lint.rules import unknown_condition_key as rule

    document = _document(statement_list)
    context = Context()

    def found():
        return [(v.path, v.variant, dict(v.args)) for v in rule.check(document, context)]

    kept = found()
    with pytest.MonkeyPatch.context() as patch:  # every answer worked out again, not kept
        patch.setattr(rule, "_kind", rule._kind.__wrapped__)
        patch.setattr(rule, "_problem", rule._problem.__wrapped__)
        assert found() == kept
    assert found() == kept  # asked again: the kept answers


# --- APL108: a document without "${" or an intrinsic object -----------------------------------

TEMPLATE_VALUES = st.sampled_from(["*", "arn:aws:s3:::b/*", "arn:aws:s3:::${Bucket}/*", "${AWS::AccountId}",
                                   "${aws:username}", "${env}", {"Ref": "Bucket"}, {"Fn::Sub": "arn:${X}"},
                                   {"Fn::Join": ["", ["a", "${B}"]]}, {"Condition": "x"}, {"Fn::If": ["c", "a", "b"]}])


@given(st.lists(st.fixed_dictionaries({
    "Effect": st.just("Allow"), "Action": st.sampled_from(["s3:GetObject", "${Action}", {"Ref": "A"}]),
    "Resource": st.lists(TEMPLATE_VALUES, min_size=1, max_size=3) | TEMPLATE_VALUES},
    optional={"Condition": st.fixed_dictionaries({"StringEquals": st.dictionaries(
        st.sampled_from(["aws:SourceAccount", "s3:prefix"]), TEMPLATE_VALUES, min_size=1)})}),
    min_size=1, max_size=3), st.sampled_from(["policy", "custom-policies", "cloudformation"]))
def test_unevaluated_template_values_without_marks_are_those_of_the_whole_walk(statement_list, container):
    from amplify_policy_lint.records import replace
    from amplify_policy_lint.rules import unevaluated_template_value as rule

    document = replace(_document(statement_list), container=container)
    found = [(v.path, v.variant) for v in rule.check(document, Context())]
    document.__dict__["_facts"] = (True, True, None)  # as if both marks were there: the whole walk
    assert found == [(v.path, v.variant) for v in rule.check(document, Context())]


# --- the suggested statements' text ----------------------------------------------------------------

JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6)
    | st.sampled_from(["é", "\u2028", '"', "\\", "\x00", "🙂"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    | st.dictionaries(st.integers() | st.booleans() | st.none(), inner, max_size=2),
    max_leaves=12)


@given(JSON_LIKE)
def test_suggestion_text_is_json_dumps_indented(value):
    from amplify_policy_lint.suggestions import indented_json

    assert indented_json(value) == json.dumps(value, indent=2)


@given(st.lists(st.text(alphabet="ab:/*", max_size=10), max_size=14))
def test_redundant_entries_with_inner_pieces_are_those_of_the_entry_by_entry_search(texts):
    """Patterns of several stars ("a*:b*/a*"), whose inner pieces and end are asked first."""
    from amplify_policy_lint.policy import Item
    from amplify_policy_lint.rules import redundant_entry

    entries = [(Item(text, ("Resource", index)), text) for index, text in enumerate(texts)]
    in_order = list(redundant_entry._redundant_in_order(entries))
    found = redundant_entry._covered(texts)
    assert [(entries[i][0], entries[found[i]][0]) for i in sorted(found)] == in_order
    if len(texts) <= redundant_entry._FEW:
        assert redundant_entry._covered_few(texts) == found
