"""Property-based robustness: whatever the bytes, the linter returns findings or a one-line error
per file, never an exception, and every finding lies inside the file.

Inputs: arbitrary text, arbitrary JSON values as JSON and as YAML, values shaped like policies,
custom-policies.json, CloudFormation templates, Terraform plans and serverless.yml with wrong
types everywhere, YAML with tags, anchors and several documents, and real fixture and corpus
files mutated (byte flips, truncation, duplicated lines, deep nesting, spliced text).

The invariants live in fuzz/harness.py, shared with the atheris target. The default profile keeps
this module well under a minute on two cores; HYPOTHESIS_PROFILE=long runs 50 times as many
examples (each test's count scales with the profile's max_examples).
"""
from __future__ import annotations

import json
import math
import random
import signal
import sys
import warnings
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NonInteractiveExampleWarning

from amplify_policy_lint.source import iter_nodes, parse_json, parse_yaml
from amplify_policy_lint.source.problems import Problem
from amplify_policy_lint.source import json_reader

from conftest import CORPUS, FIXTURES, ROOT, assert_no_traceback, run_cli

sys.path.insert(0, str(ROOT / "fuzz"))
import harness  # noqa: E402


def examples(count: int) -> int:
    """``count`` examples under the default profile (100), scaled for HYPOTHESIS_PROFILE=long."""
    return max(1, count * settings.default.max_examples // 100)


def scaled(count: int):
    return settings(max_examples=examples(count), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("properties"))


def lint(work: str, name: str, data: bytes | str, kind: str = "auto") -> harness.Outcome:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return harness.lint_bytes(work, name, data, kind)


# --- strategies ----------------------------------------------------------------------------------

WORDS = ["Version", "Statement", "Effect", "Action", "NotAction", "Resource", "NotResource",
         "Principal", "NotPrincipal", "Condition", "Sid", "Id", "AWS", "Service", "Federated",
         "Allow", "Deny", "allow", "*", "s3:GetObject", "amplify:Delete*", "amplify:DeleteApp",
         "amplifybackend:RemoveAllBackends", "iam:PassRole", "lambda:CreateFunction",
         "amplify:CreateApp", "sts:AssumeRole", "2012-10-17", "2008-10-17", "arn:aws:s3:::b/*",
         "arn:aws:iam::123456789012:role/r", "arn:aws:amplify:us-east-1:123456789012:apps/abc",
         "${aws:username}", "${", "}", "StringEquals", "StringLikeIfExists", "ForAnyValue:StringLike",
         "NullIfExists", "DateGreaterThan", "IpAddress", "Bool", "aws:SourceIp", "aws:CurrentTime",
         "iam:PassedToService", "amplify.amazonaws.com", "10.0.0.0/8", "true", "2026-01-01T00:00:00Z",
         "Ref", "Fn::Sub", "Fn::GetAtt", "Fn::If", "Fn::Join", "AWS::NoValue", "AWS::Partition",
         "*:*", "s3:*", "?", "a*a*a*a*b", "", " ", "\u00e9", "\ufeff", "\\", '"', "\n"]
KEYS = st.sampled_from(WORDS) | st.text(max_size=8)
SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(WORDS) | st.text(max_size=12))


def values(leaves=SCALARS, max_leaves=30):
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=5)
                        | st.dictionaries(KEYS, inner, max_size=5), max_leaves=max_leaves)


ANY = values()


@st.composite
def statements(draw):
    keys = draw(st.lists(st.sampled_from(WORDS[:11]), unique=True, max_size=8))
    statement = {key: draw(_element(key)) for key in keys}
    return statement if draw(st.integers(0, 9)) else draw(ANY)


def _element(key: str):
    if key in ("Action", "NotAction", "Resource", "NotResource"):
        return st.sampled_from(WORDS) | st.lists(st.sampled_from(WORDS) | ANY, max_size=4) | ANY
    if key in ("Principal", "NotPrincipal"):
        return (st.just("*") | st.dictionaries(st.sampled_from(["AWS", "Service", "Federated", "X"]),
                                               st.sampled_from(WORDS) | st.lists(st.sampled_from(WORDS), max_size=3),
                                               max_size=3) | ANY)
    if key == "Condition":
        return st.dictionaries(st.sampled_from(WORDS), st.dictionaries(
            st.sampled_from(WORDS), st.sampled_from(WORDS) | st.lists(SCALARS, max_size=3) | ANY, max_size=3)
            | ANY, max_size=3) | ANY
    if key == "Effect":
        return st.sampled_from(["Allow", "Deny", "allow", ""]) | ANY
    return st.sampled_from(WORDS) | ANY


@st.composite
def policies(draw):
    document = {}
    if draw(st.booleans()):
        document["Version"] = draw(st.sampled_from(["2012-10-17", "2008-10-17"]) | SCALARS)
    shape = draw(st.integers(0, 9))
    if shape < 7:
        document["Statement"] = draw(st.lists(statements(), max_size=5))
    elif shape < 9:
        document["Statement"] = draw(statements())
    else:
        document["Statement"] = draw(ANY)
    for key in draw(st.lists(KEYS, max_size=2)):
        document[key] = draw(ANY)
    return document


def _policy_or_junk():
    return policies() | ANY


TEMPLATE_TYPES = ["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Policy",
                  "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "AWS::S3::BucketPolicy",
                  "AWS::SQS::QueuePolicy", "AWS::KMS::Key", "AWS::Serverless::Function",
                  "AWS::Amplify::App", "AWS::Lambda::Function", "Custom::Thing"]
INTRINSICS = st.sampled_from([{"Ref": "Role"}, {"Fn::GetAtt": ["Role", "Arn"]}, {"Fn::Sub": "${AWS::Partition}"},
                              {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, "*"]}, {"Fn::Join": ["", ["a", "b"]]},
                              {"Ref": ["not", "a", "string"]}, {"Fn::If": "bad"}])


@st.composite
def templates(draw):
    resources = {}
    for index in range(draw(st.integers(0, 4))):
        resource_type = draw(st.sampled_from(TEMPLATE_TYPES) | SCALARS)
        props = {}
        for key in draw(st.lists(st.sampled_from(
                ["AssumeRolePolicyDocument", "PolicyDocument", "Policies", "ManagedPolicyArns", "Roles",
                 "Users", "Groups", "PolicyName", "KeyPolicy", "Policies", "Role", "RoleName", "Bucket",
                 "IAMServiceRole", "Properties"]), unique=True, max_size=5)):
            props[key] = draw(policies() | st.lists(st.fixed_dictionaries(
                {"PolicyName": st.sampled_from(WORDS), "PolicyDocument": _policy_or_junk()}), max_size=2)
                | st.lists(INTRINSICS | st.sampled_from(WORDS), max_size=3) | INTRINSICS
                | st.builds(json.dumps, policies()) | ANY)
        resource = {"Type": resource_type, "Properties": props if draw(st.integers(0, 9)) else draw(ANY)}
        if draw(st.integers(0, 5)) == 0:
            resource = draw(ANY)
        resources[draw(st.sampled_from(["Role", "Policy", "Bucket", "Fn", f"R{index}"]))] = resource
    template = {"Resources": resources if draw(st.integers(0, 9)) else draw(ANY)}
    if draw(st.booleans()):
        template["AWSTemplateFormatVersion"] = "2010-09-09"
    if draw(st.booleans()):
        template["Transform"] = draw(st.sampled_from(["AWS::Serverless-2016-10-31"]) | ANY)
    return template


@st.composite
def plans(draw):
    def resource():
        return {"address": draw(st.sampled_from(["aws_iam_role.r", "aws_iam_policy.p", "module.m.aws_iam_role.r[0]"])
                                | SCALARS),
                "type": draw(st.sampled_from(["aws_iam_role", "aws_iam_role_policy", "aws_iam_policy",
                                              "aws_iam_role_policy_attachment", "aws_s3_bucket_policy",
                                              "aws_iam_user", "aws_iam_policy_attachment"]) | SCALARS),
                "name": draw(st.sampled_from(["r", "p"]) | SCALARS),
                "values": draw(st.fixed_dictionaries({}, optional={
                    "policy": st.builds(json.dumps, _policy_or_junk()) | ANY,
                    "assume_role_policy": st.builds(json.dumps, _policy_or_junk()) | ANY,
                    "inline_policy": st.lists(st.fixed_dictionaries(
                        {"name": st.text(max_size=3), "policy": st.builds(json.dumps, _policy_or_junk()) | ANY}),
                        max_size=2) | ANY,
                    "role": st.sampled_from(["r", "p"]) | ANY,
                    "policy_arn": st.sampled_from(WORDS) | ANY,
                    "managed_policy_arns": st.lists(st.sampled_from(WORDS), max_size=2) | ANY,
                    "name": st.sampled_from(["r", "p"]) | ANY,
                    "arn": st.sampled_from(WORDS) | ANY,
                })) if draw(st.integers(0, 9)) else draw(ANY)}

    module = {"resources": [resource() for _ in range(draw(st.integers(0, 4)))]}
    if draw(st.integers(0, 3)) == 0:
        module["child_modules"] = [{"address": "module.m", "resources": [resource()]}]
    plan = {"format_version": draw(st.sampled_from(["1.2", "0.1"]) | SCALARS)}
    where = draw(st.sampled_from(["planned_values", "values", "resource_changes"]))
    if where == "resource_changes":
        plan[where] = [{"address": "aws_iam_role.r", "type": "aws_iam_role", "name": "r",
                        "change": {"after": draw(ANY | st.just(module["resources"][0]["values"]
                                                              if module["resources"] and isinstance(
                                                                  module["resources"][0], dict) else {}))}}]
    else:
        plan[where] = {"root_module": module} if draw(st.integers(0, 9)) else draw(ANY)
    if draw(st.booleans()):
        plan["configuration"] = draw(ANY)
    return plan


@st.composite
def serverless(draw):
    statements_list = draw(st.lists(statements(), max_size=4) | ANY)
    provider = draw(st.sampled_from([
        {"iam": {"role": {"statements": statements_list}}},
        {"iamRoleStatements": statements_list},
        {"iam": {"role": draw(ANY)}},
        {"iam": draw(ANY)},
    ]))
    service = {"service": draw(st.sampled_from(["svc"]) | SCALARS), "provider": provider}
    if draw(st.booleans()):
        service["functions"] = draw(ANY)
    return service


NAMES = st.sampled_from(harness.NAMES)
KIND = st.sampled_from(["auto", "auto", "auto", "policy", "custom-policies", "cloudformation",
                        "terraform-plan", "serverless"])


def dump(value, as_yaml: bool) -> str:
    if as_yaml:
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=None, width=60)
    return json.dumps(value, indent=2, ensure_ascii=False)


def _yaml_safe(value) -> bool:
    """PyYAML cannot write lone surrogates; those values are only dumped as JSON."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- arbitrary text and values -------------------------------------------------------------------

@scaled(100)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300) | st.text(
    alphabet='{}[]:,"\\ \n\r\t-#&*!|>\'?%@`01aeflnrstuStatementResources\u2028\x85', max_size=300),
       name=NAMES, kind=KIND)
@example(text='{"Statement": [{"Effect": "Allow", "Action": "a", "Resource": "*", "Condition": {"DateLessThan": {"k:k": 5}}}]}',
         name="policy.json", kind="auto")
@example(text="Statement:\n  - Condition:\n      DateGreaterThan:\n        aws:CurrentTime:\n", name="policy.yaml",
         kind="auto")
@example(text='{"Statement": []}', name="policy.json", kind="custom-policies")
def test_arbitrary_text_never_crashes(work, text, name, kind):
    lint(work, name, text, kind)


@scaled(100)
@given(data=st.binary(max_size=300), name=NAMES, kind=KIND)
def test_arbitrary_bytes_never_crash(work, data, name, kind):
    lint(work, name, data, kind)


@scaled(100)
@given(value=values(max_leaves=50), as_yaml=st.booleans(), name=NAMES, kind=KIND)
def test_arbitrary_json_values_never_crash(work, value, as_yaml, name, kind):
    if as_yaml:
        assume(_yaml_safe(value))
    lint(work, name, dump({"Statement": value} if isinstance(value, list) else value, as_yaml), kind)


@scaled(150)
@given(document=policies(), as_yaml=st.booleans(), name=NAMES, kind=KIND)
def test_policy_shaped_values_with_wrong_types_never_crash(work, document, as_yaml, name, kind):
    if as_yaml:
        assume(_yaml_safe(document))
    lint(work, name, dump(document, as_yaml), kind)


@scaled(60)
@given(statement_list=st.lists(statements(), max_size=5) | ANY, as_yaml=st.booleans())
def test_custom_policies_shaped_values_never_crash(work, statement_list, as_yaml):
    if as_yaml:
        assume(_yaml_safe(statement_list))
    lint(work, "amplify/backend/function/f/custom-policies.json", dump(statement_list, as_yaml))


@scaled(100)
@given(template=templates(), as_yaml=st.booleans(), kind=st.sampled_from(["auto", "cloudformation"]))
def test_template_shaped_values_never_crash(work, template, as_yaml, kind):
    if as_yaml:
        assume(_yaml_safe(template))
    lint(work, "template.yml" if as_yaml else "stack.template.json", dump(template, as_yaml), kind)


@scaled(100)
@given(plan=plans(), kind=st.sampled_from(["auto", "terraform-plan"]))
def test_terraform_plan_shaped_values_never_crash(work, plan, kind):
    lint(work, "plan.json", dump(plan, False), kind)


@scaled(60)
@given(service=serverless(), as_yaml=st.booleans())
def test_serverless_shaped_values_never_crash(work, service, as_yaml):
    if as_yaml:
        assume(_yaml_safe(service))
    lint(work, "serverless.yml", dump(service, as_yaml))


# --- YAML-specific syntax ------------------------------------------------------------------------

YAML_PIECES = ["Statement:", "Resources:", "  - ", "    ", "Effect: Allow", "Action: s3:*", "Resource: '*'",
               "&a ", "*a", "<<: *a", "!Ref X", "!Sub '${AWS::Region}'", "!GetAtt A.B", "!If [c, *a, x]",
               "!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system", "!!binary aGk=",
               "!!set {a, b}", "!!omap [a: 1]", "!custom x", "!!str", "!!int 0x1F", "!!float .nan",
               "---", "...", "%YAML 1.1", "%TAG ! tag:x,2000:", "? complex", ": value", "{a: 1, b: [2, 3]}",
               "[*a, *a]", "2012-10-17", "0123", "1_000", "yes", "on", "~", "null", ".inf", "|", ">-",
               "# amplify-policy-lint: disable=APL101 -- reason", "\t", "'unterminated", '"\\x41"',
               "Version: 2012-10-17", "AWS: 123456789012", "Condition: {Bool: {aws:SecureTransport: false}}"]


@scaled(150)
@given(pieces=st.lists(st.tuples(st.sampled_from(YAML_PIECES), st.sampled_from(["", " ", "\n", "\n  ", ": ", "\r\n", "\r"])),
                       max_size=25),
       name=st.sampled_from(["policy.yaml", "template.yml", "serverless.yml"]), kind=KIND)
def test_yaml_with_tags_anchors_and_documents_never_crashes(work, pieces, name, kind):
    text = "".join(piece + glue for piece, glue in pieces)
    lint(work, name, text, kind)


# --- mutated real files --------------------------------------------------------------------------

def _real_files() -> list[Path]:
    found = [p for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix in (".json", ".yaml", ".yml")]
    if CORPUS.is_dir():
        corpus = [p for p in sorted(CORPUS.rglob("*"))
                  if p.is_file() and p.suffix in (".json", ".yaml", ".yml") and p.stat().st_size <= 20_000]
        # A fixed, spread-out sample keeps the default run short; the long profile sees more.
        step = max(1, len(corpus) // examples(300))
        found.extend(corpus[::step])
    return found


REAL_FILES = _real_files()


def _name_for(path: Path) -> str:
    if path.name == "custom-policies.json":
        return "amplify/backend/function/f/custom-policies.json"
    if path.name.startswith("serverless."):
        return "serverless.yml"
    return "policy.json" if path.suffix == ".json" else "policy.yaml"


@st.composite
def mutated(draw):
    path = draw(st.sampled_from(REAL_FILES))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate-line", "nest",
                                    "splice", "repeat"]))
        at = draw(st.integers(0, max(0, len(data))))
        if how == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "truncate":
            del data[at:]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b"{", b"}", b"[", b"]", b'"', b",", b":", b"\n", b"  ", b"\t", b"*a", b"&a ", b"!Ref ",
                 b"\xef\xbb\xbf", b"\x00", b"\xff", b"\\u", b"\r"]))
        elif how == "delete":
            del data[at:at + draw(st.integers(1, 20))]
        elif how == "duplicate-line":
            lines = bytes(data).splitlines(keepends=True)
            if lines:
                index = draw(st.integers(0, len(lines) - 1))
                lines.insert(index, lines[index])
                data = bytearray(b"".join(lines))
        elif how == "nest":
            depth = draw(st.sampled_from([5, 99, 100, 101, 2_000]))
            data[at:at] = b"[" * depth + b"]" * depth
        elif how == "splice":
            other = draw(st.sampled_from(REAL_FILES)).read_bytes()
            start = draw(st.integers(0, len(other)))
            data[at:at] = other[start:start + draw(st.integers(1, 400))]
        elif how == "repeat":
            end = min(len(data), at + draw(st.integers(1, 60)))
            data[at:at] = data[at:end] * draw(st.integers(2, 50))
    return _name_for(path), bytes(data)


@pytest.mark.skipif(not REAL_FILES, reason="no fixture files found")
@scaled(150)
@given(case=mutated(), kind=st.sampled_from(["auto", "auto", "auto", "policy"]))
def test_mutated_real_files_never_crash(work, case, kind):
    name, data = case
    lint(work, name, data, kind)


@pytest.mark.parametrize("path", REAL_FILES[:: max(1, len(REAL_FILES) // 60)], ids=lambda p: p.name)
def test_real_files_as_every_kind_never_crash(work, path):
    for kind in ("auto", "policy", "custom-policies", "cloudformation", "terraform-plan", "serverless"):
        lint(work, _name_for(path), path.read_bytes(), kind)


# --- the readers ---------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**64, 2**64) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30)



@scaled(200)
@given(value=JSON_VALUES, indent=st.sampled_from([None, 0, 2, "\t"]))
def test_json_reader_agrees_with_the_stdlib_and_places_every_value(value, indent):
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    source, problems = parse_json("p.json", text)
    assert problems == [] and source is not None
    # The position table is built lazily; building it must never fail once the file parsed.
    reader = json_reader._JsonReader(text).read()
    assert _equal(reader.data, json.loads(text))
    for path, item in iter_nodes(json.loads(text)):
        start, end = source.value_range(path)
        assert 0 <= start < end <= len(text)
        assert _equal(json.loads(text[start:end]), item)


def _equal(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return a == b and type(a) is type(b)


@scaled(150)
@given(text=st.text(alphabet='{}[]:,"\\ \n\r\tnulltruefalse0123456789.eE+-u\x01\ufeff', max_size=120))
def test_json_readers_accept_and_refuse_the_same_texts(text):
    """The fast reader and the position-recording one must agree: a text the first accepts but the
    second refuses would crash when a finding needs positions."""
    source, problems = parse_json("p.json", text)
    if source is not None:
        source.table  # noqa: B018 - must build
    else:
        assert len(problems) == 1 and problems[0].kind in (Problem.SYNTAX, Problem.UNDECODABLE, Problem.LIMIT)
        assert 0 <= problems[0].start <= len(text)


@scaled(150)
@given(value=JSON_VALUES)
def test_yaml_reader_places_every_value_of_a_dumped_document(value):
    assume(_yaml_safe(value))
    text = yaml.safe_dump(value, allow_unicode=True)
    source, problems = parse_yaml("p.yaml", text)
    assume(source is not None)
    for path, _ in iter_nodes(source.data):
        start, end = source.value_range(path)
        assert 0 <= start <= end <= len(text)


# --- through the command line --------------------------------------------------------------------

def test_command_line_on_a_directory_of_generated_files_never_prints_a_traceback(tmp_path):
    """One CLI run over many generated and mutated files: findings or one-line errors only."""
    rng = random.Random(7)
    strategies = [policies(), templates(), plans(), serverless(), mutated()]
    written = 0
    for index in range(examples(60)):
        strategy = strategies[index % len(strategies)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NonInteractiveExampleWarning)
            value = strategy.example()
        if isinstance(value, tuple):  # mutated(): (name, bytes)
            name, data = value
        else:
            as_yaml = rng.random() < 0.5 and _yaml_safe(value)
            name = ("policy.yaml" if as_yaml else "policy.json")
            data = dump(value, as_yaml).encode("utf-8", "surrogatepass")
        folder = tmp_path / f"case{index:03d}"
        harness.write_case(str(folder), name, data)
        written += 1
    for arguments in ([], ["--format", "json"]):
        result = run_cli(".", *arguments, cwd=tmp_path)
        assert_no_traceback(result)
        assert "internal error" not in result.err, result.err
        assert result.code in (0, 1), result.err
        if arguments:
            report = json.loads(result.out)
            assert report["files_checked"] + report["files_skipped"] == written


# --- regressions: every crash or hang found so far -----------------------------------------------

REGRESSIONS = ROOT / "tests" / "regressions"
CASES = json.loads((REGRESSIONS / "cases.json").read_text(encoding="utf-8"))


class _Hang(Exception):
    pass


@pytest.fixture
def time_limit():
    """Fail (instead of hanging the suite) when a case runs longer than it may."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(*_):
        raise _Hang("took longer than 30 s: a hang has come back")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_regression_inputs(work, case, time_limit):
    outcome = harness.lint_bytes(work, case["as"], (REGRESSIONS / case["file"]).read_bytes(), case["kind"],
                                 tuple(case["select"]))
    found = sorted(((f.span.line, f.span.column, f.rule.id) for f in outcome.findings))
    assert [f"{line}:{column}: {rule}" for line, column, rule in found] == case["findings"], case["bug"]
    assert outcome.errors == []


def test_every_regression_file_is_a_case():
    assert sorted(p.name for p in REGRESSIONS.iterdir() if p.name != "cases.json") == sorted(c["file"] for c in CASES)


PATHOLOGICAL_VALUES = {
    # Each was quadratic or worse before it was fixed: at this size that is minutes, now well
    # under a second (the time_limit fixture turns a hang into a failure after 30 s).
    "dollar-braces in a Resource (APL106, APL107)": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                                    "Resource": "arn:aws:s3:::" + "${" * 200_000}]},
    "dollar-braces in a Condition (APL107)": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                                                             "Condition": {"StringLike": {"s3:prefix": "${" * 200_000}}}]},
    "unterminated JSON string": '{"Statement": [{"Sid": "' + "a" * 200_000 + "\x01",
    "long wildcard action": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:" + "a*" * 100_000 + "b", "Resource": "*"}]},
    "many distinct wildcard actions": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": [f"s3:{'?' * (i % 40)}*Get*{i}*" for i in range(2_000)], "Resource": "*"}]},
    "long ARN": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + ":*" * 100_000}]},
    "long condition operator and key": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
         "Condition": {"ForAnyValue:" + "String" * 100_000 + "IfExists": {"k" * 500_000: "v"}}}]},
    "dollar-braces in a template's Fn::Sub (intrinsics)": {
        "AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::" + "${" * 200_000}},
                 "Action": "sts:AssumeRole"}]}}}}},
    "a YAML stream of many documents (APL101)": "---\n".join(
        ['Version: "2012-10-17"\nStatement:\n  - {Effect: allow, Action: "s3:GetObject", Resource: "*"}\n'] * 5_000),
    "many duplicate YAML keys (APL002)": "Statement: []\n" + "k: 1\n" * 50_000,
    "many duplicate JSON keys (APL002)": '{"Statement": [], ' + '"k": 1, ' * 50_000 + '"z": 0}',
    "many unknown JSON keys (APL101)": '{"Statement": [], ' + ", ".join(f'"k{i}": {i}' for i in range(50_000)) + "}",
    "spaces in an inline directive (suppress)": 'Version: "2012-10-17"\nStatement:\n  # amplify-policy-lint: disable=APL101'
                                                 + " " * 500_000 + "x\n  - Effect: allow\n    Action: s3:GetObject\n"
                                                 "    Resource: '*'\n",
}


def _pathological_cases():
    for name, value in PATHOLOGICAL_VALUES.items():
        if isinstance(value, str):  # written out already
            yield pytest.param("policy.json" if value.startswith("{") else "policy.yaml", value, id=name)
        else:
            yield pytest.param("policy.json", json.dumps(value), id=f"json-{name}")
            yield pytest.param("policy.yaml", dump(value, True), id=f"yaml-{name}")


@pytest.mark.parametrize("file_name, text", list(_pathological_cases()))
def test_pathological_values_are_linted_in_seconds(work, file_name, text, time_limit):
    lint(work, file_name, text)


def test_many_grants_in_one_principal_give_bounded_messages_in_bounded_time(work, time_limit):
    # Regression: every APL301 message listed every RemoveAllBackends grant (O(n^2) output: 96 MB
    # for 1,000 statements, gigabytes at 10,000), and the rule compared every pair of app ids
    # through the wildcard walker. At the statement limit this is now seconds and kilobytes.
    from amplify_policy_lint import limits

    statements = []
    for index in range(limits.MAX_STATEMENTS // 2):
        statements.append({"Effect": "Allow", "Action": "amplify:DeleteApp",
                           "Resource": f"arn:aws:amplify:us-east-1:123456789012:apps/dapp{index}"})
        statements.append({"Effect": "Allow", "Action": "amplifybackend:RemoveAllBackends",
                           "Resource": f"arn:aws:amplifybackend:us-east-1:123456789012:/backend/dx{index}/*"})
    outcome = lint(work, "policy.json", json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=1),
                   "auto")
    apl301 = [f for f in outcome.findings if f.rule.id == "APL301"]
    assert len(apl301) == limits.MAX_STATEMENTS // 2
    assert max(len(f.message) for f in apl301) < 2_000
