"""The fast yes/no validator agrees with jsonschema on every document it is given, and the
generated module that holds it is in step with the schema."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st
from jsonschema import Draft202012Validator

from amplify_policy_lint import schema, schema_check
from amplify_policy_lint.schema_check import UnsupportedSchema, generate_module

from conftest import CORPUS, FIXTURES, ROOT


def reference(entry_point: str) -> Draft202012Validator:
    root = dict(schema.load_schema())
    root["$ref"] = f"#/$defs/{entry_point}"
    return Draft202012Validator(root)


def fast(entry_point: str):
    """The check a run uses: the shipped, generated module."""
    return schema._fast_check(entry_point)


def test_the_generated_module_is_in_step_with_the_schema():
    shipped = (ROOT / "amplify_policy_lint" / schema_check.MODULE).read_text(encoding="utf-8")
    assert shipped == generate_module(schema.load_schema(), schema.ENTRY_POINTS), (
        "amplify_policy_lint/_schema_checks.py is stale: run python -m amplify_policy_lint.schema_check")


def fixture_documents() -> list:
    documents = []
    for path in sorted(FIXTURES.rglob("*.json")):
        try:
            documents.append(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError):
            continue
    managed = CORPUS / "aws-managed"
    if managed.is_dir():
        documents.extend(json.loads(p.read_text()) for p in sorted(managed.glob("*.json"))[:300])
    moto = CORPUS / "moto-policy-cases"
    for case in sorted(moto.rglob("*.json")) if moto.is_dir() else ():
        text = json.loads(case.read_text())["policy_document_as_sent"]
        try:
            documents.append(json.loads(text))
        except ValueError:
            pass
    return documents


@pytest.mark.parametrize("entry_point", schema.ENTRY_POINTS)
def test_agrees_with_jsonschema_on_fixtures_and_corpus(entry_point):
    check, slow = fast(entry_point), reference(entry_point)
    disagreements = [d for d in fixture_documents() if check(d) != slow.is_valid(d)]
    assert disagreements == []


scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                    st.sampled_from(["", "*", "Allow", "Deny", "allow", "s3:GetObject", "a:b:c", "x y:z",
                                     "2012-10-17", "2008-10-17", "arn:aws:s3:::b"]))
keys = st.sampled_from(["Version", "Id", "Statement", "Sid", "Effect", "Action", "NotAction", "Resource",
                        "NotResource", "Principal", "NotPrincipal", "Condition", "AWS", "Service",
                        "StringEquals", "aws:SourceAccount", "Extra"])
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(keys, inner, max_size=5)),
                      max_leaves=25)


@pytest.mark.parametrize("entry_point", schema.ENTRY_POINTS)
@given(document=values)
def test_agrees_with_jsonschema_on_arbitrary_policy_shaped_values(entry_point, document):
    assert fast(entry_point)(document) == reference(entry_point).is_valid(document)


def test_refuses_a_keyword_it_does_not_know():
    with pytest.raises(UnsupportedSchema):
        generate_module({"$defs": {"name": {"type": "string", "maxLength": 3}}}, ("name",))


def test_validating_a_valid_document_does_not_import_jsonschema():
    code = ("import sys; from amplify_policy_lint import schema; "
            "assert schema.validate({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', "
            "'Action': 's3:GetObject', 'Resource': '*'}]}, 'identityPolicy') == []; "
            "print('jsonschema' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


_PATTERN_TEXT = st.lists(st.sampled_from(list("*:.-_ \n\r\tAa0zZ9é٣") + ["s3", "iam", "GetObject"]),
                         max_size=8).map("".join)


@pytest.mark.parametrize("pattern", sorted(schema_check._PLAIN_PATTERNS))
@given(text=_PATTERN_TEXT)
def test_each_plain_pattern_answers_as_re_does(pattern, text):
    # The generated module tests these patterns without re: its function must agree with
    # re.search on every string, including $ before a last newline.
    namespace: dict = {}
    exec(compile(f"def p(text):\n{schema_check._PLAIN_PATTERNS[pattern]}", "<plain>", "exec"), namespace)
    assert namespace["p"](text) == (re.search(pattern, text) is not None)


@pytest.mark.parametrize("text,expected", [
    ("*", True), ("*\n", True), ("s3:GetObject", True), ("s3:GetObject\n", True), ("*:*", True),
    ("s3:Get:Object", False), ("s3", False), (":GetObject", False), ("s 3:Get", False), ("s3:\n", True),
    ("*\n\n", False), ("é:x", False), ("a.b-c:", True),
])
def test_the_action_pattern_on_chosen_strings(text, expected):
    namespace: dict = {}
    (pattern,) = [p for p in schema_check._PLAIN_PATTERNS if "A-Za-z0-9" in p]
    exec(compile(f"def p(text):\n{schema_check._PLAIN_PATTERNS[pattern]}", "<plain>", "exec"), namespace)
    assert namespace["p"](text) is expected is (re.search(pattern, text) is not None)
