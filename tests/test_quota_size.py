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


_SCALARS = st.one_of(st.text(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                     st.none(), st.sampled_from(["Fn::If", "Ref", "Fn::Sub", "Fn::DynamicReference", "a\"b", "c\\d"]))
_KEYS = st.one_of(st.text(max_size=8), st.sampled_from(["Ref", "Fn::If", "Fn::Sub", "Statement"]), st.integers(),
                  st.booleans(), st.none())
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(_KEYS, inner, max_size=4)), max_leaves=20)


@given(_VALUES)
def test_the_json_text_shortcut_counts_what_the_walk_counts(value):
    # size_without_whitespace counts most documents from their compact JSON text (quotas.py);
    # every value must get the walk's number, intrinsics, escapes and non-JSON values included.
    from amplify_policy_lint.quotas import _size

    assert size_without_whitespace(value) == _size(value)
    assert size_without_whitespace({"Statement": [value] * 20}) == _size({"Statement": [value] * 20})
