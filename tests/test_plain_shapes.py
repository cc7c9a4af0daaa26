"""Shapes tested with str methods on the path of every policy, held to the regular expressions
they stand for: a valid policy's run imports no ``re`` (tests/test_startup_imports.py), so these
answer without it and must answer exactly as the pattern would, on any text."""
from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from amplify_policy_lint import catalog, resources
from amplify_policy_lint.rules import invalid_sid


def _texts(*pieces: str, max_size: int = 8):
    # Pieces a shape is made of, and characters that break it (Unicode digits and letters,
    # line breaks, separators, upper case).
    alphabet = st.sampled_from([*pieces, "-", ":", "/", "*", "?", "\n", " ", "é", "٣", "A", "z", "0", "9"])
    return st.lists(alphabet, max_size=max_size).map("".join)


_REGION = re.compile(r"[a-z]{2,4}(?:-[a-z]+)?-(?:north|south|east|west|central|northeast|northwest|"
                     r"southeast|southwest)-[0-9]{1,2}")


@settings(max_examples=500)
@given(_texts("us", "eu", "gov", "isob", "eusc", "de", "east", "west", "north", "southeast", "central", "1", "12",
              "123"))
def test_region_shape_is_the_region_pattern(text):
    assert resources.region_shape(text) is (_REGION.fullmatch(text) is not None)


@given(st.text(alphabet="0123456789a٣\n ", min_size=10, max_size=13))
def test_account_id_shape_is_twelve_ascii_digits(text):
    assert resources.account_id_shape(text) is (re.fullmatch(r"[0-9]{12}", text) is not None)


_PLAIN_ARN = re.compile("arn:(?:%s):(?:s3::[^:]*|s3:[^:]+:[^:]+|(?!(?:iam|s3):)[^:]+:[^:]*:[^:]*):"
                        % "|".join(map(re.escape, resources.PARTITIONS)))


@settings(max_examples=500)
@given(_texts("arn", "aws", "aws-cn", "aws-x", "s3", "iam", "iamx", "ec2", "us-east-1", "123456789012", "b",
              max_size=14))
def test_plain_arn_is_the_plain_arn_pattern(text):
    assert resources._plain_arn(text) is (_PLAIN_ARN.match(text) is not None)


@given(_texts("s3", "GetObject", "amplify", "a.b", "x_y"))
def test_a_well_formed_action_is_the_grammar_pattern(text):
    service, colon, action = text.partition(":")
    expected = text == "*" or (bool(colon) and ":" not in action and (
        service == "*" or re.fullmatch(r"[A-Za-z0-9.-]+", service) is not None))
    assert catalog.well_formed_action(text) is expected


@given(_texts("Sid", "Allow1", "_", ".", max_size=6))
def test_an_iam_sid_is_letters_and_digits(text):
    assert invalid_sid._iam_sid(text) is (re.fullmatch(r"[0-9A-Za-z]*", text) is not None)
