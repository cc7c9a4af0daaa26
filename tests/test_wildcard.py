"""IAM wildcard matching: ``*`` is any run of characters, ``?`` exactly one, nothing else is special."""
from __future__ import annotations

from functools import lru_cache

from hypothesis import example, given
from hypothesis import strategies as st

from amplify_policy_lint import wildcard
from amplify_policy_lint.wildcard import match


def reference_match(pattern: str, text: str) -> bool:
    """Textbook recursive definition, memoised: the specification the matcher must meet."""

    @lru_cache(maxsize=None)
    def at(p: int, t: int) -> bool:
        if p == len(pattern):
            return t == len(text)
        if pattern[p] == "*":
            return at(p + 1, t) or (t < len(text) and at(p, t + 1))
        if t == len(text):
            return False
        return (pattern[p] == "?" or pattern[p] == text[t]) and at(p + 1, t + 1)

    return at(0, 0)


def test_star_matches_any_run_of_characters():
    assert match("amplify:Delete*", "amplify:DeleteApp")
    assert match("amplify:*App", "amplify:DeleteApp")
    assert not match("amplify:Delete*", "amplify:CreateApp")


def test_star_matches_nothing_as_well():
    assert match("amplify:DeleteApp*", "amplify:DeleteApp")
    assert match("*amplify:DeleteApp", "amplify:DeleteApp")


def test_lone_star_matches_everything_including_empty_text():
    assert match("*", "")
    assert match("*", "s3:GetObject")
    assert wildcard.compile("**").matches_everything
    assert not wildcard.compile("*?").matches_everything


def test_question_mark_matches_exactly_one_character():
    assert match("amplify:Delete?pp", "amplify:DeleteApp")
    assert not match("amplify:Delete?pp", "amplify:Deletepp")
    assert not match("amplify:Delete?pp", "amplify:DeleteAAppp")


def test_other_characters_are_literal():
    assert not match("s3:Get.bject", "s3:GetObject")
    assert match("[a]", "[a]")
    assert not match("[a]", "a")
    assert match("a+b$", "a+b$")


def test_matching_ignores_case_by_default():
    assert match("Amplify:deleteapp", "amplify:DeleteApp")
    assert match("AMPLIFY:DELETE*", "amplify:DeleteApp")


def test_matching_can_respect_case_for_arns():
    assert match("arn:aws:iam::1:user/Bob", "arn:aws:iam::1:user/Bob", ignore_case=False)
    assert not match("arn:aws:iam::1:user/bob", "arn:aws:iam::1:user/Bob", ignore_case=False)


def test_empty_pattern_matches_only_empty_text():
    assert match("", "")
    assert not match("", "a")
    assert not match("a", "")


def test_prefix_and_suffix_must_not_overlap():
    assert not match("ab*ba", "aba")
    assert match("ab*ba", "abba")


def test_pattern_must_cover_the_whole_text():
    assert not match("amplify:Get", "amplify:GetApp")
    assert not match("Get*", "amplify:GetApp")


def test_compiled_patterns_are_cached():
    assert wildcard.compile("amplify:*") is wildcard.compile("amplify:*")


def test_pathological_star_pattern_takes_linear_steps():
    text = "a" * 100_000
    cases = {"a*a*a*a*a*a*a*a*b": False, "*a*a*a*a*a*a*a*a*b*": False, "a*a*a*a*a*a*a*a*": True}
    for pattern, expected in cases.items():
        matched, steps = wildcard.compile(pattern).match_with_steps(text)
        assert matched is expected
        assert steps <= 2 * (len(text) + len(pattern)), (pattern, steps)


def test_question_marks_cost_at_most_text_length_times_chunk_length():
    text = "a" * 100_000
    pattern = "*a?a?a?a?a?a?a?b*"
    matched, steps = wildcard.compile(pattern).match_with_steps(text)
    assert not matched
    assert steps <= 2 * len(text)  # anchored on a literal run: "b" is never found, one scan


def test_question_mark_chunk_with_frequent_anchor_stays_bounded():
    text = "ab" * 50_000
    chunk = "a?a?a?a?c"
    matched, steps = wildcard.compile(f"*{chunk}*").match_with_steps(text)
    assert not matched
    assert steps <= (len(chunk) + 2) * len(text)


@given(pattern=st.text(alphabet="ab?*", max_size=12), text=st.text(alphabet="abAB", max_size=24))
@example(pattern="*a*", text="")
@example(pattern="?*?", text="a")
@example(pattern="a*?b", text="ab")
def test_agrees_with_the_recursive_definition(pattern, text):
    assert match(pattern, text, ignore_case=False) == reference_match(pattern, text)
    assert match(pattern, text) == reference_match(pattern.lower(), text.lower())
