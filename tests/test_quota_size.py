"""quotas.size_without_whitespace counts a string's characters as IAM does, whatever it holds."""
from __future__ import annotations

from hypothesis import given, strategies as st

from amplify_policy_lint.quotas import size_without_whitespace


def _by_character(text: str) -> int:
    # The definition: quotes around it, every non-whitespace character, one more for each
    # character JSON escapes with a backslash (a quote, a backslash).
    return 2 + sum(1 for ch in text if not ch.isspace()) + text.count('"') + text.count("\\")


@given(st.text())
def test_a_string_counts_as_its_characters_without_whitespace(text):
    assert size_without_whitespace(text) == _by_character(text)


def test_every_kind_of_whitespace_is_left_out():
    spaces = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
    assert size_without_whitespace(f"a{spaces}b") == 4
