"""The reader: data plus exact positions for JSON and YAML, and what it refuses to read."""
from __future__ import annotations

import json

import pytest

from amplify_policy_lint import limits
from amplify_policy_lint.model import Span
from amplify_policy_lint.source import InputProblem, decode, parse_json, parse_yaml
from amplify_policy_lint.source.problems import Problem


def json_source(text: str):
    source, problems = parse_json("p.json", text)
    assert source is not None, problems
    return source, problems


def yaml_source(text: str):
    source, problems = parse_yaml("p.yaml", text)
    assert source is not None, problems
    return source, problems


# --- JSON positions ---------------------------------------------------------------------------

def test_json_value_span_covers_the_whole_token_from_the_opening_quote():
    text = '{\n  "Action": ["s3:GetObject", "amplify:Delete*"]\n}'
    source, _ = json_source(text)
    assert source.span(("Action", 1)) == Span(2, 30, 2, 47)
    assert source.raw(("Action", 1)) == '"amplify:Delete*"'


def test_json_key_span_is_the_quoted_member_name():
    source, _ = json_source('{"Statement": {"Effect": "Allow"}}')
    assert source.raw(("Statement", "Effect")) == '"Allow"'
    assert source.span(("Statement", "Effect"), "key") == Span(1, 16, 1, 24)


def test_json_opening_is_the_first_character_of_the_mapping():
    source, _ = json_source('[\n  {"a": 1},\n   {"b": 2}\n]')
    assert source.span((1,), "opening") == Span(3, 4, 3, 5)


def test_json_missing_path_falls_back_to_the_nearest_mapping_opening():
    source, _ = json_source('{"Statement": [{"Effect": "Allow"}]}')
    assert source.span(("Statement", 0, "Resource")) == Span(1, 16, 1, 17)


def test_json_columns_count_code_points_not_bytes():
    source, _ = json_source('{"Sid": "日本語😀", "Effect": "Allow"}')
    # 日本語😀 is 4 code points (13 bytes in UTF-8), so "Effect" starts at column 17, not 26.
    assert source.span(("Effect",), "key").column == 17


def test_json_positions_survive_crlf_line_endings():
    source, _ = json_source('{\r\n  "a": 1,\r\n  "b": "x"\r\n}')
    assert source.span(("b",)) == Span(3, 8, 3, 11)


def test_every_key_and_value_of_a_real_policy_has_its_exact_position():
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["a:b", "c:d"], "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": True}}}]}, indent=2)
    source, _ = json_source(text)
    for path, token in [(("Version",), '"2012-10-17"'), (("Statement", 0, "Action", 1), '"c:d"'),
                        (("Statement", 0, "Condition", "Bool", "aws:SecureTransport"), "true")]:
        start, end = source.value_range(path)
        assert text[start:end] == token


# --- JSON errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message, column", [
    ('{"a": NaN}', "NaN is not valid JSON", 7),
    ('{"a": Infinity}', "Infinity is not valid JSON", 7),
    ('{"a": -Infinity}', "-Infinity is not valid JSON", 7),
    ('{"a": 1,}', "trailing comma is not allowed in JSON", 8),
    ('{"a" 1}', "expected ':' after property name", 6),
    ("{'a': 1}", "expected a property name in double quotes", 2),
    ('{"a": "x\ty"}', "control character U+0009 in string", 9),
    ('{"a": "\\q"}', "invalid escape in string", 8),
    ('{"a": 1} {"b": 2}', "extra data after the JSON value", 10),
    ('{"a": 01}', "invalid number '01'", 7),
    ('{"a": tru}', "unexpected word 'tru'; strings must be in double quotes", 7),
])
def test_json_syntax_errors_say_what_and_where(text, message, column):
    source, problems = parse_json("p.json", text)
    assert source is None
    (problem,) = problems
    assert (problem.kind, problem.message, problem.start + 1) == (Problem.SYNTAX, message, column)


def test_duplicate_json_keys_name_both_positions_and_keep_the_last_value():
    source, problems = parse_json("p.json", '{\n  "Effect": "Deny",\n  "Effect": "Allow"\n}')
    assert source.data == {"Effect": "Allow"}
    (problem,) = problems
    assert problem.kind is Problem.DUPLICATE_KEY
    assert "first defined at 2:3" in problem.message
    assert source.offset_span(problem.start, problem.end) == Span(3, 3, 3, 11)
    # The position table follows the kept (last) value.
    assert source.raw(("Effect",)) == '"Allow"'


def test_json_nesting_beyond_the_limit_is_a_finding_not_a_recursion_error():
    text = "[" * 10_000 + "]" * 10_000
    source, (problem,) = parse_json("p.json", text)
    assert source is None and problem.kind is Problem.LIMIT
    assert problem.start == limits.MAX_DEPTH  # the bracket one level too deep


def test_json_within_the_fast_path_depth_but_over_the_limit_is_refused():
    text = "[" * (limits.MAX_DEPTH + 5) + "]" * (limits.MAX_DEPTH + 5)
    source, (problem,) = parse_json("p.json", text)
    assert source is None and problem.kind is Problem.LIMIT


# --- decoding ----------------------------------------------------------------------------------

def test_utf8_bom_at_the_start_is_accepted():
    assert decode(b"\xef\xbb\xbf{}") == "{}"


@pytest.mark.parametrize("data, message", [
    ("{}".encode("utf-16"), "UTF-16"),
    (b"{\"a\": \"caf\xe9\"}", "not valid UTF-8"),
    (b"{\"a\": 1}\x00", "NUL byte"),
    ("{}\n\ufeff{}".encode(), "byte order mark"),
])
def test_undecodable_bytes_are_apl003(data, message):
    with pytest.raises(InputProblem) as raised:
        decode(data)
    assert raised.value.kind is Problem.UNDECODABLE and message in raised.value.message


# --- YAML --------------------------------------------------------------------------------------

def test_yaml_plain_scalar_span_starts_at_its_first_character():
    source, _ = yaml_source("Statement:\n  - Action: amplify:Delete*\n")
    assert source.span(("Statement", 0, "Action")) == Span(2, 13, 2, 28)


def test_yaml_quoted_scalar_span_includes_the_quotes():
    source, _ = yaml_source('Action: "amplify:DeleteApp"\n')
    assert source.raw(("Action",)) == '"amplify:DeleteApp"'


def test_yaml_cloudformation_short_tags_become_their_long_forms():
    source, _ = yaml_source(
        "A: !Ref Role\nB: !GetAtt Role.Arn\nC: !Sub 'arn:${AWS::Partition}:s3:::b'\n"
        "D: !If [IsProd, x, !Ref AWS::NoValue]\nE: !Join ['', [a, b]]\n")
    assert source.data == {
        "A": {"Ref": "Role"},
        "B": {"Fn::GetAtt": ["Role", "Arn"]},
        "C": {"Fn::Sub": "arn:${AWS::Partition}:s3:::b"},
        "D": {"Fn::If": ["IsProd", "x", {"Ref": "AWS::NoValue"}]},
        "E": {"Fn::Join": ["", ["a", "b"]]},
    }
    # The tagged value keeps a position, and so does its argument.
    assert source.raw(("A",)) == "!Ref Role"
    assert source.span(("D", "Fn::If", 2)) == source.span(("D", "Fn::If", 2, "Ref"))


def test_yaml_dates_stay_strings_and_record_that_they_were_plain():
    source, _ = yaml_source("Version: 2012-10-17\nQuoted: '2012-10-17'\n")
    assert source.data == {"Version": "2012-10-17", "Quoted": "2012-10-17"}
    assert source.yaml_scalars[("Version",)].tag.endswith("timestamp")
    assert source.yaml_scalars[("Version",)].plain
    assert not source.yaml_scalars[("Quoted",)].plain


def test_yaml_aliases_point_positions_at_the_anchor():
    source, _ = yaml_source("a: &x\n  k: v\nb: *x\n")
    assert source.data["b"] == {"k": "v"}
    assert source.span(("b", "k")) == Span(2, 6, 2, 7)


def test_yaml_merge_keys_merge():
    source, _ = yaml_source("base: &b {Effect: Allow, Action: x}\nuse:\n  <<: *b\n  Action: y\n")
    assert source.data["use"] == {"Effect": "Allow", "Action": "y"}


def test_yaml_duplicate_keys_are_reported_at_the_later_one():
    source, (problem,) = yaml_source("a: 1\nb: 2\na: 3\n")
    assert source.data == {"a": 3, "b": 2}
    assert problem.kind is Problem.DUPLICATE_KEY and "first defined at 1:1" in problem.message
    assert source.offset_span(problem.start, problem.end) == Span(3, 1, 3, 2)


def test_yaml_python_tags_are_never_constructed():
    source, (problem,) = yaml_source("a: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    assert source.data == {"a": ["touch /tmp/pwned"]}
    assert problem.kind is Problem.SYNTAX and "unsupported YAML tag" in problem.message


def test_yaml_alias_bomb_is_refused_before_it_expands():
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    source, problems = parse_yaml("p.yaml", "\n".join(lines) + "\n")
    assert source is None and problems[0].kind is Problem.LIMIT


def test_yaml_syntax_error_points_at_the_parser_mark():
    source, (problem,) = parse_yaml("p.yaml", "a: [1, 2\nb: 3\n")
    assert source is None and problem.kind is Problem.SYNTAX
    assert problem.start == len("a: [1, 2\nb")


def test_yaml_streams_of_several_documents_keep_each_document_apart():
    source, _ = yaml_source("a: 1\n---\nb: 2\n")
    assert source.multi_document and source.data == [{"a": 1}, {"b": 2}]
    assert source.span((1, "b")) == Span(3, 4, 3, 5)
    assert source.span((0, "a")) == Span(1, 4, 1, 5)


def test_empty_yaml_is_reported_as_empty():
    source, (problem,) = parse_yaml("p.yaml", "# only a comment\n")
    assert source is None and problem.message == "file is empty"
