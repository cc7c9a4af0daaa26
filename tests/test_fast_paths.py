"""The shortcuts the linter takes for speed answer exactly what the plain way answers.

Each test puts a fast path beside its reference: the compact JSON position table beside the
error-reporting reader's table, the wildcard shortcuts beside the general search, the action
index and ``denied_on`` beside evaluating every statement, ``--jobs`` beside one process.
The full-corpus comparison is ``benchmarks/compare_findings.py``.
"""
from __future__ import annotations

import json
import re
import tracemalloc

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from amplify_policy_lint import evaluate as evaluate_module, parallel, resources, wildcard
from amplify_policy_lint.amplify_arns import AppScope
from amplify_policy_lint.config import Settings
from amplify_policy_lint.evaluate import Decision, Tri, action_matches_statement, denied_on, evaluate
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import PrincipalKey
from amplify_policy_lint.policy import DocKind, make_document
from amplify_policy_lint.source import iter_nodes, parse_json
from amplify_policy_lint.source import json_reader

from conftest import FIXTURES


# --- the compact position table of a JSON text that parsed ----------------------------------


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=200)
@given(value=JSON_VALUES, indent=st.sampled_from([None, 0, 2, "\t"]))
def test_compact_table_places_every_value_and_key_as_the_reader_does(value, indent):
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    reference = json_reader._JsonReader(text).read().table
    compact = json_reader._JsonPositions(text, json.loads(text))
    for path, _ in iter_nodes(json.loads(text)):
        assert compact.value(path) == reference.value(path), path
        assert compact.key(path) == reference.key(path), path
    # Paths that are not in the document are not found (the caller then reports an ancestor).
    for missing in (("nope",), (99,), (True,), ("a", "b", 3)):
        assert compact.value(missing) == reference.value(missing)


@settings(max_examples=200)
@given(value=JSON_VALUES, indent=st.sampled_from([None, 0, 2, "\t"]), data=st.data())
def test_compact_table_answers_in_any_order_of_questions(value, indent, data):
    """The table passes over a container once, going on from where an earlier question stopped:
    questions in any order, deep before shallow, keys before values, asked twice."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    reference = json_reader._JsonReader(text).read().table
    compact = json_reader._JsonPositions(text, json.loads(text))
    paths = [path for path, _ in iter_nodes(json.loads(text))]
    for path in data.draw(st.permutations(paths + paths)):
        if data.draw(st.booleans()):
            assert compact.key(path) == reference.key(path), path
        assert compact.value(path) == reference.value(path), path


@settings(max_examples=100)
@given(value=JSON_VALUES, before=st.sampled_from(["", " ", "\n\t \r\n"]), after=st.sampled_from(["", "\n", " \t "]))
def test_compact_table_places_the_root_without_reading_the_nodes(value, before, after):
    text = before + json.dumps(value, indent=1) + after
    reference = json_reader._JsonReader(text).read().table
    compact = json_reader._JsonPositions(text, json.loads(text))
    assert compact.value(()) == reference.value(()) and compact.key(()) is None
    assert compact._containers == {}  # nothing passed over
    assert compact.value(()) == reference.value(()) and compact.key(()) is None  # and again


def test_compact_table_is_smaller_than_the_text():
    statements = [{"Sid": f"S{i}", "Effect": "Allow", "Action": ["s3:GetObject", "ec2:Describe*"],
                   "Resource": [f"arn:aws:s3:::bucket-{i}/*"]} for i in range(5_000)]
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    source, problems = parse_json("p.json", text)
    assert problems == [] and source is not None
    tracemalloc.start()
    source.table.value(("Statement", 0))  # the nodes are read on the first path below the root
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # About 20 bytes a value, where a table keyed by path tuples took some 45 bytes per byte of text.
    assert size < 2 * len(text)


# --- wildcard shortcuts ----------------------------------------------------------------------

@given(pattern=st.text(alphabet="ab*?:", max_size=10), text=st.text(alphabet="abAB:", max_size=12),
       ignore_case=st.booleans())
def test_wildcard_shortcuts_agree_with_the_general_search(pattern, text, ignore_case):
    compiled = wildcard.Pattern(pattern, ignore_case)
    assert compiled.matches(text) == compiled.match_with_steps(text)[0]


# --- the action index and denied_on ------------------------------------------------------------

ACTIONS = ["s3:GetObject", "s3:PutObject", "S3:getobject", "iam:PassRole", "amplify:DeleteApp",
           "amplify:DeleteBackendEnvironment", "amplifybackend:RemoveAllBackends", "ec2:RunInstances"]
ENTRIES = st.sampled_from(ACTIONS + ["*", "s3:*", "s3:Get*", "*:Get*", "amplify:Delete*", "amp*",
                                     "iam:Pass?ole", "*Object", "x:y:z"]) | st.builds(dict, Ref=st.just("P"))
RESOURCES = st.sampled_from(["*", "arn:aws:s3:::b/*", "arn:aws:amplify:us-east-1:123456789012:apps/d1",
                             "arn:aws:amplify:*:*:apps/*", "arn:aws:iam::123456789012:role/r"])
STATEMENTS = st.fixed_dictionaries(
    {"Effect": st.sampled_from(["Allow", "Deny", "allow"])},
    optional={"Action": st.lists(ENTRIES, min_size=1, max_size=3) | ENTRIES,
              "NotAction": st.lists(ENTRIES, min_size=1, max_size=2),
              "Resource": st.lists(RESOURCES, min_size=1, max_size=2) | RESOURCES,
              "NotResource": RESOURCES,
              "Condition": st.just({"Bool": {"aws:SecureTransport": "true"}})})


def _document(statements):
    data = {"Version": "2012-10-17", "Statement": statements}
    source, _ = parse_json("p.json", json.dumps(data))
    return make_document(file="p.json", source=source, base=(), data=source.data, kind=DocKind.IDENTITY,
                         label="identity policy", principals=(PrincipalKey("file", "p.json"),))


@given(statements=st.lists(STATEMENTS, max_size=6), action=st.sampled_from(ACTIONS))
def test_the_action_index_never_leaves_out_a_statement_that_may_match(statements, action):
    document = _document(statements)
    candidates = document.action_index.candidates(action)
    needed = [s for s in document.statements
              if s.effect is not None and action_matches_statement(s, action)[0] is not Tri.NO]
    assert all(any(s is c for c in candidates) for s in needed)
    order = [next(i for i, s in enumerate(document.statements) if s is c) for c in candidates]
    assert order == sorted(order)  # document order, as evaluation reports grants


@given(statements=st.lists(STATEMENTS, max_size=6), action=st.sampled_from(ACTIONS),
       resource=RESOURCES)
def test_denied_on_agrees_with_a_full_evaluation(statements, action, resource):
    documents = [_document(statements)]
    expected = evaluate(documents, action, resource).decision is Decision.DENIED
    assert denied_on(documents, action)(resource) == expected


# --- work that must stay linear in the number of statements -----------------------------------

def _count_statement_checks(monkeypatch) -> list[int]:
    calls = [0]
    original = evaluate_module.action_matches_statement

    def counted(statement, action):
        calls[0] += 1
        return original(statement, action)

    monkeypatch.setattr(evaluate_module, "action_matches_statement", counted)
    from amplify_policy_lint.rules import action_resource_mismatch

    monkeypatch.setattr(action_resource_mismatch, "action_matches_statement", counted)
    return calls


def test_apl205_looks_at_each_statement_a_bounded_number_of_times(tmp_path, monkeypatch):
    # 1,000 statements that all name the same actions on a resource they cannot act on: each
    # misfit once asked "does another statement cover it?" of every other statement.
    statements = [{"Effect": "Allow", "Action": ["ecs:RunTask", "amplify:DeleteApp"],
                   "Resource": f"arn:aws:iam::123456789012:role/r{i}"} for i in range(1_000)]
    (tmp_path / "p.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}))
    calls = _count_statement_checks(monkeypatch)
    report = lint_paths([str(tmp_path / "p.json")], Settings(select=("APL205",)))
    assert report.errors == [] and len(report.findings) == len(statements)  # a role is no task or app
    assert calls[0] <= 20 * len(statements)


def test_apl301_judges_each_app_without_reevaluating_the_principal(tmp_path, monkeypatch):
    statements = []
    for i in range(500):
        statements.append({"Effect": "Allow", "Action": "amplify:DeleteApp",
                           "Resource": f"arn:aws:amplify:us-east-1:123456789012:apps/dapp{i}"})
        statements.append({"Effect": "Allow", "Action": "amplifybackend:RemoveAllBackends",
                           "Resource": f"arn:aws:amplifybackend:us-east-1:123456789012:/backend/dx{i}/*"})
    (tmp_path / "p.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}))
    calls = _count_statement_checks(monkeypatch)
    comparisons = [0]
    for method in ("overlaps", "app_overlaps"):
        original = getattr(AppScope, method)
        monkeypatch.setattr(AppScope, method, lambda a, b, original=original: comparisons.__setitem__(
            0, comparisons[0] + 1) or original(a, b))
    report = lint_paths([str(tmp_path / "p.json")], Settings(select=("APL301",)))
    assert len(report.findings) == 500  # every app lacks its own backend grant
    assert calls[0] <= 20 * len(statements)
    assert comparisons[0] <= 20 * len(statements)  # not every delete app against every backend


# --- --jobs -------------------------------------------------------------------------------------

def _outcome(report):
    return ([(f.file, f.span, f.rule.id, f.severity, f.message, f.path, f.detail, f.token)
             for f in report.findings],
            report.errors, report.files_checked, report.files_skipped, report.notes)


@pytest.mark.parametrize("start_method", [None, "spawn"])
def test_jobs_give_the_report_one_process_gives(monkeypatch, start_method):
    monkeypatch.setattr(parallel, "START_METHOD", start_method)
    one = lint_paths([str(FIXTURES)], Settings(jobs=1))
    assert one.files_checked + one.files_skipped > 50  # enough files for workers to be used
    used = []
    original = parallel.lint_in_processes
    monkeypatch.setattr(parallel, "lint_in_processes", lambda *a: used.append(1) or original(*a))
    two = lint_paths([str(FIXTURES)], Settings(jobs=2))
    assert used, "--jobs 2 did not start workers"
    assert _outcome(two) == _outcome(one)
    # Rules come back as the registered objects, not as copies.
    from amplify_policy_lint.rules import BY_ID

    assert all(f.rule is BY_ID[f.rule.id] for f in two.findings)


def test_few_files_are_linted_in_this_process(monkeypatch, tmp_path):
    (tmp_path / "p.json").write_text('{"Version": "2012-10-17", "Statement": []}')
    monkeypatch.setattr(parallel, "lint_in_processes", lambda *a: pytest.fail("workers started"))
    lint_paths([str(tmp_path)], Settings(jobs=4))


# --- the ARN format walk's shortcut for a last placeholder -----------------------------------

def _reference_walk(pattern, tokens, mode, colon_in_last):
    """resources._walk as it was before it read the pattern once with a bit per format position
    (a depth-first walk over pairs of positions), and before its shortcut for the last placeholder."""
    n, m = len(pattern), len(tokens)
    width = m + 1
    last = m - 1
    segments = mode == resources.SEGMENTS
    seen = {0}
    stack = [(0, 0)]
    push = stack.append
    while stack:
        i, j = stack.pop()
        # Literal against literal has one move only: follow it without branching.
        while i < n and j < m:
            char, token = pattern[i], tokens[j]
            if char == "*" or char == "?" or token.__class__ is not str or char != token:
                break
            i += 1
            j += 1
        if i == n and j == m:
            return True
        char = pattern[i] if i < n else None
        token = tokens[j] if j < m else None
        moves = []
        if char == "*":
            moves.append((i + 1, j))  # the star matches nothing more
        if token is resources._PLACEHOLDER or token is resources._FIELD:
            moves.append((i, j + 1))  # the placeholder holds nothing more
        if char is not None and token is not None:
            if token is resources._FIELD or token is resources._FIELD_CHAR:
                step = 1 if token is resources._FIELD_CHAR else 0
                if char == "*":
                    if step:
                        moves.append((i, j + 1))  # the star supplies the field's character
                elif char == "?" or (char != ":" and char != "/"):
                    moves.append((i + 1, j + step))
            elif token is resources._PLACEHOLDER:
                if char == "?" or (char != "*" and (char != ":" or (colon_in_last and j == last)) and (
                        char != "/" or mode == resources.LOOSE or (segments and j == last))):
                    moves.append((i + 1, j))  # the placeholder takes the pattern's character
            elif char == "*":
                if not segments or (token != "/" and token != ":"):
                    moves.append((i, j + 1))  # the star takes the format's character
            elif char == "?":
                moves.append((i + 1, j + 1))
        for a, b in moves:
            key = a * width + b
            if key not in seen:
                seen.add(key)
                push((a, b))
    return False


ARN_FORMATS = ["arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
               "arn:${Partition}:amplify:${Region}:${Account}:apps/${AppId}/branches/${BranchName}",
               "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}",
               "arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:${Partition}:s3:::${BucketName}",
               "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"]


@settings(max_examples=300)
@given(source=st.sampled_from(ARN_FORMATS), pattern=st.text(alphabet="arn:ws3*?/-rolepx1.", max_size=40),
       mode=st.sampled_from([0, 1, 2]), colon_in_last=st.booleans(), resource_part=st.booleans())
def test_the_walk_shortcut_agrees_with_the_full_walk(source, pattern, mode, colon_in_last, resource_part):
    template = resources._ArnTemplate(source.lower())
    tokens = template.resource_tokens if resource_part else template.tokens
    assert resources._walk(pattern, tokens, mode, colon_in_last) == _reference_walk(pattern, tokens, mode,
                                                                                   colon_in_last)


@given(source=st.sampled_from(ARN_FORMATS), name=st.text(alphabet="abc/:-*?", max_size=30),
       mode=st.sampled_from([0, 1, 2]), colon_in_last=st.booleans())
def test_the_walk_shortcut_agrees_on_patterns_that_spell_out_the_format(source, name, mode, colon_in_last):
    # Patterns that reach the last placeholder: the format itself with its placeholders filled.
    pattern = re.sub(r"\$\{[^}]*\}", lambda m: name or "x", source.lower())
    template = resources._ArnTemplate(source.lower())
    assert resources._walk(pattern, template.tokens, mode, colon_in_last) == _reference_walk(
        pattern, template.tokens, mode, colon_in_last)


def _reference_tokens(text, colons):
    """resources._tokens as it was before it read the literal runs between placeholders in C."""
    tokens = []
    rest = text
    while rest:
        if rest.startswith("${") and "}" in rest:
            if colons >= 5:
                tokens.append(resources._PLACEHOLDER)
            elif colons in (1, 3):
                tokens.extend((resources._FIELD_CHAR, resources._FIELD))
            else:
                tokens.append(resources._FIELD)
            rest = rest[rest.index("}") + 1:]
            continue
        char, rest = rest[0], rest[1:]
        if char == "*":
            tokens.append(resources._FIELD if colons < 5 else resources._PLACEHOLDER)
        else:
            colons += char == ":"
            tokens.append(char)
    return tuple(tokens)


@given(text=st.text(alphabet="a:*${}/", max_size=30), colons=st.integers(0, 6))
def test_the_format_tokens_read_in_runs_are_those_read_character_by_character(text, colons):
    assert resources._tokens(text, colons) == _reference_tokens(text, colons)


def test_the_format_tokens_of_every_catalog_format_are_those_read_character_by_character():
    for source in _catalog_formats():
        lowered = source.lower()
        template = resources._ArnTemplate(source)
        assert template.tokens == _reference_tokens(lowered, 0), source
        if template.fields:
            assert template.resource_tokens == _reference_tokens(lowered.split(":", 5)[5], 5), source


def test_the_arn_namespaces_are_the_service_fields_of_every_format():
    from amplify_policy_lint.catalog import default_catalog

    catalog = default_catalog()
    matcher = resources.ResourceMatcher(catalog)
    expected = frozenset(t.arn_service for prefix in catalog.service_prefixes()
                         for t in matcher._all_templates(prefix) if t.arn_service)
    assert resources.ResourceMatcher(catalog).arn_namespaces() == expected
    assert "catalog" in expected and "s3" in expected
    for name in ("catalog", "elastic-inference", "route53-recovery-control", "s3", "nosuch", "", "ec", "service",
                 "servicecatalogue", "execute-api"):
        assert resources.ResourceMatcher(catalog).names_arn_namespace(name) == (name in expected), name
    matcher = resources.ResourceMatcher(catalog)
    assert [matcher.names_arn_namespace(name) for name in ("nosuch", "catalog", "nosuch")] == [False, True, False]


# --- the plain resource part without the walk (resources._plain_walk) ------------------------

# Formats beside the catalog's with the shapes the shortcut must get right: colons in the
# resource part, a literal end, neighbouring placeholders, a "*" for any text, a literal "?"
# (no shortcut), an empty resource part.
_ODD_FORMATS = ["arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}",
                "arn:${Partition}:x:${Region}:${Account}:a/${A}${B}/end", "arn:${Partition}:x:::${A}:${B}/c",
                "arn:${Partition}:x:::task:*", "arn:${Partition}:x:::q?/${Q}", "arn:${Partition}:x:::",
                "arn:${Partition}:x:::${A}/b/${C}:d", "arn:${Partition}:x:::/${A}/${B}/*"]


def _plain_candidates(resource_part):
    """Patterns a policy could write for a format's resource part: the format filled in with
    names (with "/" and ":" in them too), cut anywhere, with and without a closing "*", in
    other case; and a few with "?" or an inner "*" (the walk's)."""
    filled = [re.sub(r"\$\{[^}]*\}", lambda m: name, resource_part).replace("*", name)
              for name in ("n", "a/b", "A:b")]
    found = set()
    for text in filled:
        for cut in {1, len(text) // 2, len(text) - 1, len(text)}:
            head = text[:max(cut, 0)]
            found.update((head, head + "*", head + "/*", head + ":x"))
        found.update((text + "?", text.replace("/", "*/", 1)))
    return [p.lower() for p in found]


def _catalog_formats():
    from amplify_policy_lint.catalog import default_catalog

    catalog = default_catalog()
    matcher = catalog.resources
    sources = {t.source for prefix in catalog.service_prefixes() for t in matcher._all_templates(prefix)}
    return sorted(sources) + _ODD_FORMATS


def test_the_plain_resource_part_shortcut_answers_as_the_walk_for_every_catalog_format():
    answered = compared = 0
    for source in _catalog_formats():
        template = resources._ArnTemplate(source)
        for pattern in _plain_candidates(source.lower().split(":", 5)[5]):
            for mode in (resources.LOOSE, resources.SLASH_FREE):
                quick = resources._plain_walk(pattern, template, mode)
                expected = _reference_walk(pattern, template.resource_tokens, mode, True)
                assert quick in (None, expected), (source, pattern, mode)
                assert resources._resource_part_fits(pattern, template, mode) == expected, (source, pattern, mode)
                answered += quick is not None
                compared += 1
    # The shortcut is taken for most of them (a test of the fallback alone proves nothing).
    assert answered > compared // 2


@settings(max_examples=300)
@given(source=st.sampled_from(ARN_FORMATS + _ODD_FORMATS), pattern=st.text(alphabet="abgrlo:/-*?$", max_size=30),
       mode=st.sampled_from([resources.LOOSE, resources.SLASH_FREE]))
def test_the_plain_resource_part_shortcut_agrees_with_the_walk(source, pattern, mode):
    template = resources._ArnTemplate(source.lower())
    expected = _reference_walk(pattern, template.resource_tokens, mode, True)
    assert resources._plain_walk(pattern, template, mode) in (None, expected)
    assert resources._resource_part_fits(pattern, template, mode) == expected


def test_the_plain_resource_part_shortcut_leaves_wildcards_inside_to_the_walk():
    template = resources._ArnTemplate("arn:${partition}:s3:::${bucketname}/${objectname}")
    assert resources._plain_walk("b*/k", template, resources.LOOSE) is None
    assert resources._plain_walk("b/k?", template, resources.LOOSE) is None
    assert resources._plain_walk("b/k*", template, resources.LOOSE) is True
    assert resources._plain_walk("b/k:l*", template, resources.SLASH_FREE) is True  # the last placeholder holds ":"
    assert resources._plain_walk("b:k*", template, resources.SLASH_FREE) is False  # the first one holds none
    assert resources._plain_walk("b/k/l*", template, resources.SLASH_FREE) is False


# --- check_resource's shortcut for plain ARNs ----------------------------------------------

_ENTRIES = ["*", "arn:aws:s3:::b", "arn:aws:s3:::b/k/*", "arn:aws:s3:us-east-1::b", "arn:aws:s3:us-east-1:1:b",
            "arn:aws:s3::123456789012:accesspoint/a", "arn:aws:S3:us-east-1::b", "arn:aws:iam::1:role/r",
            "arn:aws:iam:us-east-1:1:role/r", "arn:aws:iam::1:nothing", "arn:aws:IAM::1:nothing",
            "arn:aws-cn:iam::1:user/*", "arn:aws:iam::aws:policy/P", "arn:aws-us-gov:ec2:r:1:instance/i",
            "arn:aws:ec2", "arn:aws::r:1:x", "arn:aws:ec2:r:1", "arn:aws:ec2:r", "arn:awsx:ec2:r:1:x",
            "arn:a*:ec2:r:1:x", "arn:*:s3:::b", "ARN:aws:s3:::b", "arn", "", "s3:::b", "arn:aws:ec2:r:1:x:y:z",
            "arn:aws:${aws:username}:r:1:x", "arn:aws:s3:::${aws:username}/*", "arn:aws:s3:${r}::b",
            "arn:aws:iam::${AWS::AccountId}:role/x", "arn:aws:iam::1:${x}", "arn:aws-iso-f:lambda:r:1:function:f",
            "arn:aws:s3:r:1:", "arn:aws:s3::::", "arn:aws:iam:::", "arn:aws:ec2::::", "arn:aws:iam::1:root"]


@pytest.mark.parametrize("entry", _ENTRIES)
def test_the_plain_arn_shortcut_of_check_resource_answers_as_the_full_check(entry):
    assert resources.check_resource(entry) == resources._check_resource.__wrapped__(entry)


def test_check_resource_after_any_entry_answers_as_the_full_check():
    entries = _ENTRIES + ["arn:aws:s3:::", "arn:aws:s3:us-east-1::", "arn:aws:ec2:r:1:", "arn:aws:ec2:r:1:${x}",
                          "arn:aws:ec2:r:1:x", "arn:aws:ec2:r:1", "arn:aws:ec2:r:12:x", "arn:aws:iam::1:role/x"]
    for first in entries:
        for second in entries:
            resources.check_resource(first)
            assert resources.check_resource(second) == resources._check_resource.__wrapped__(second), (first, second)


def test_the_plain_arn_shortcut_of_check_resource_is_taken_for_plain_arns():
    resources.check_resource("arn:aws:s3:::warm-up")
    resources._check_resource.cache_clear()
    for entry in ("arn:aws:s3:::b/k/*", "arn:aws:ec2:us-east-1:123456789012:instance/i-1", "arn:aws:s3:::b"):
        assert resources.check_resource(entry) is None
    assert resources._check_resource.cache_info().misses == 0


def test_the_formats_an_entry_fits_are_those_the_walk_finds():
    from amplify_policy_lint.catalog import default_catalog

    matcher = default_catalog().resources
    for service in ("s3", "amplify", "logs", "lambda", "iam", "ec2", "dms", "amplifybackend", "identitystore"):
        own = [t for t in matcher._all_templates(service) if t.fields and t.arn_service in (service, None)]
        parts = {p for t in own for p in _plain_candidates(t.source.lower().split(":", 5)[5])}
        for resource_part in sorted(parts) + ["*", "*/x", "?", "", "a*", "bucket/some/prefix/*"]:
            head = wildcard.literal_head(resource_part)
            expected = tuple(t for t in own if (head.startswith(t.resource_head) or t.resource_head.startswith(head))
                             and _reference_walk(resource_part, t.resource_tokens, resources.LOOSE, True))
            assert matcher.formats_fitting(service, resource_part) == expected, (service, resource_part)


_SERVICES = ("s3", "amplify", "logs", "lambda", "iam", "ec2", "dms", "apigateway", "rds", "ssm", "storagegateway",
             "secretsmanager", "sagemaker")


def _formats_fitting_one_by_one(matcher, service, resource_part):
    own = [t for t in matcher._all_templates(service) if t.fields and t.arn_service in (service, None)]
    head = wildcard.literal_head(resource_part)
    return tuple(t for t in own if (head.startswith(t.resource_head) or t.resource_head.startswith(head))
                 and _reference_walk(resource_part, t.resource_tokens, resources.LOOSE, True))


@settings(max_examples=300)
@given(service=st.sampled_from(_SERVICES), resource_part=st.text(alphabet="abcdeilnorstuv/:-*?", max_size=30))
def test_the_formats_of_a_service_walked_in_one_pass_are_those_each_walk_finds(service, resource_part):
    from amplify_policy_lint.catalog import default_catalog

    matcher = default_catalog().resources
    expected = _formats_fitting_one_by_one(matcher, service, resource_part)
    assert matcher.formats_fitting(service, resource_part) == expected


def test_the_walk_in_one_pass_answers_as_each_walk_for_every_catalog_format():
    from amplify_policy_lint.catalog import default_catalog

    # Entries with a "?" or an inner "*" (the walk's), against every format of the catalog.
    for source in _catalog_formats():
        template = resources._ArnTemplate(source.lower())
        for pattern in _plain_candidates(source.lower().split(":", 5)[5]) + ["*", "*/*", "?*", "*a*", "*:*"]:
            for mode in (resources.LOOSE, resources.SLASH_FREE, resources.SEGMENTS):
                assert resources._walk.__wrapped__(pattern, template.resource_tokens, mode, True) == _reference_walk(
                    pattern, template.resource_tokens, mode, True), (source, pattern, mode)
    for service in _SERVICES:
        matcher = resources.ResourceMatcher(default_catalog())
        own = [t for t in matcher._all_templates(service) if t.fields and t.arn_service in (service, None)]
        for resource_part in {p for t in own for p in _plain_candidates(t.source.lower().split(":", 5)[5])}:
            assert matcher.formats_fitting(service, resource_part) == _formats_fitting_one_by_one(
                matcher, service, resource_part), (service, resource_part)


@pytest.mark.parametrize("entry", ["*", "**", "", "arn", "arn:", "arn:aws", "arn:aws:*", "arn:aws:*:*:*:*", "arn:*:*:*:*:*",
                                   "arn:aws:**:*:*:*", "arn:aws:*:*:*:x", "arn:aws:*:*::*", "arn:aws:s3:::*",
                                   "arn:aws:*", "arn:aws:*:", "arn:aws:*x:*:*:*", "*:aws:*:*:*:*", "arn:aws:*:*:*:*:*",
                                   "arn:aws:s3:::bucket/*", "ARN:aws:*:*:*:*", "a*"])
def test_names_every_resource_without_splitting_answers_as_before(entry):
    fields = entry.split(":")
    expected = wildcard.compile(entry).matches_everything or (
        len(fields) >= 3 and fields[0] == "arn"
        and all(field and wildcard.compile(field).matches_everything for field in fields[2:]))
    assert resources.names_every_resource(entry) == expected


# --- close-name suggestions, redundant entries (APL502) --------------------------------------


_WORDS = st.text(alphabet="abcdeGH:-*?", max_size=10)


@settings(max_examples=500)
@given(_WORDS, st.lists(_WORDS, max_size=30), st.integers(1, 5), st.sampled_from([0.0, 0.3, 0.6, 0.75, 1.0]))
def test_close_matches_is_difflibs_get_close_matches(word, possibilities, n, cutoff):
    import difflib

    from amplify_policy_lint.catalog import _quick_bounds, close_matches

    assert close_matches(word, possibilities, n, cutoff) == difflib.get_close_matches(word, possibilities, n, cutoff)
    # The first bounds are difflib's own numbers (so the candidates' order is difflib's too).
    matchers = [difflib.SequenceMatcher(None, candidate, word) for candidate in possibilities]
    assert _quick_bounds(word, possibilities, cutoff) == [
        (matcher.quick_ratio(), candidate) for matcher, candidate in zip(matchers, possibilities)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff]


@settings(max_examples=500)
@given(st.text(alphabet="abcaab:-", max_size=14), st.text(alphabet="abcaab:-x", max_size=14))
def test_the_bit_parallel_common_subsequence_is_the_longest_one(word, candidate):
    from amplify_policy_lint.catalog import _common_subsequence_with

    # The textbook table: longest[i][j] for word[:i] and candidate[:j].
    longest = [[0] * (len(candidate) + 1) for _ in range(len(word) + 1)]
    for i, a in enumerate(word, 1):
        for j, b in enumerate(candidate, 1):
            longest[i][j] = longest[i - 1][j - 1] + 1 if a == b else max(longest[i - 1][j], longest[i][j - 1])
    assert _common_subsequence_with(word)(candidate) == longest[-1][-1]


def test_close_matches_on_a_service_s_actions_is_difflibs():
    # Real candidate lists: many share letters, so the ratio bound does the pruning.
    import difflib

    from amplify_policy_lint.catalog import Catalog, close_matches

    names = list(Catalog()._entries("ec2"))
    for word in ("describeinstance", "runinstancess", "createvpcendpointt", "x", "getpasswordata", ""):
        for n, cutoff in ((3, 0.6), (1, 0.8), (5, 0.3)):
            assert close_matches(word, names, n, cutoff) == difflib.get_close_matches(word, names, n, cutoff)


@given(st.lists(st.text(alphabet="ab*?:", max_size=5), max_size=14))
def test_redundant_entries_by_pattern_agree_with_the_entry_by_entry_search(texts):
    from amplify_policy_lint.policy import Item
    from amplify_policy_lint.rules import redundant_entry

    entries = [(Item(text, ("Action", index)), text) for index, text in enumerate(texts)]
    found = redundant_entry._covered(texts)
    assert found is not None  # a short list never reaches the budget
    by_pattern = [(entries[i][0], entries[found[i]][0]) for i in sorted(found)]
    assert by_pattern == list(redundant_entry._redundant_in_order(entries))


def test_redundant_entries_past_the_budget_are_searched_entry_by_entry(monkeypatch):
    from amplify_policy_lint.policy import Item
    from amplify_policy_lint.rules import redundant_entry

    monkeypatch.setattr(redundant_entry, "_BUDGET", 5)
    texts = ["s3:*Object", "s3:*Bucket", "s3:*Acl", "s3:G*", "s3:GetObject", "s3:GetBucketAcl", "s3:PutObject"]
    items = [Item(text, ("Action", index)) for index, text in enumerate(texts)]
    assert redundant_entry._covered([t.lower() for t in texts]) is None
    found = [(entry.value, cover.value) for entry, cover in redundant_entry.redundant(items, True)]
    assert found == [(e.value, c.value) for e, c in redundant_entry._redundant_in_order(
        [(item, item.value.lower()) for item in items])]


def test_lint_paths_gives_frozen_objects_back_to_the_collector(tmp_path):
    import gc

    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    assert gc.get_freeze_count() == 0
    lint_paths([str(tmp_path)], Settings())
    assert gc.get_freeze_count() == 0  # frozen between files, unfrozen at the end
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        lint_paths([str(tmp_path)], Settings())
        assert gc.get_freeze_count() == frozen  # a caller's own freeze is left alone
    finally:
        gc.unfreeze()


# --- what a document's repr tells (PolicyDocument._marks, policy.holds_placeholder) ----------------

_TEXTS = st.text(alphabet="${}'\"Rf:nF\\ \n\u00e9", max_size=8) | st.sampled_from(
    ["Ref", "Fn::If", "Fn::Sub", "Condition", "${aws:username}", "Fn::a'b", 'x"y', "$", "{"])
_DATA = st.recursive(_TEXTS | st.integers() | st.none() | st.booleans(),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXTS, inner, max_size=3),
                     max_leaves=15)


def _strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(key)
            yield from _strings_in(item)


def _has_intrinsic(value):
    from amplify_policy_lint.policy import is_intrinsic

    if isinstance(value, dict):
        return is_intrinsic(value) or any(_has_intrinsic(v) for v in value.values())
    return isinstance(value, list) and any(_has_intrinsic(v) for v in value)


@pytest.mark.parametrize("through_json", [True, False])
@given(data=_DATA)
def test_the_text_shortcuts_never_miss_a_placeholder_or_an_intrinsic(through_json, data):
    from amplify_policy_lint import policy
    from amplify_policy_lint.quotas import _size

    placeholder = any("${" in text for text in _strings_in(data))
    assert policy.holds_placeholder(data) == placeholder
    real = policy.compact_json
    policy.compact_json = real if through_json else (lambda data: None)  # as for data JSON cannot write
    try:
        document = make_document(file="p.json", source=parse_json("p.json", "{}")[0], base=(), data=data,
                                 kind=DocKind.IDENTITY, label="policy")
        if document.plain_json_size is not None and isinstance(data, (dict, list)):
            assert document.plain_json_size == _size(data)
        if placeholder:
            assert document.may_hold_placeholder
        if _has_intrinsic(data):
            assert document.may_hold_intrinsic
    finally:
        policy.compact_json = real


# --- APL208: the previous entry's first five fields ---------------------------------------------

_FIELD_ENTRIES = ["arn:aws:s3:::b/k/*", "arn:aws:s3:::b", "arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::*",
                  "arn:aws:s3:::accesspoint/x", "arn:aws:s3:us-east-1:123456789012:accesspoint/x",
                  "arn:aws:s3:us-east-1:123456789012:job/x", "arn:aws:s3:us-east-1::b", "arn:aws:S3:::b/*",
                  "arn:aws:dynamodb:us-east-1::table/Books", "arn:aws:dynamodb:us-east-1::tabel/Books",
                  "arn:aws:dynamodb:us-east-1:123456789012:table/Books/index/*",
                  "arn:aws:dynamodb:useast1:123456789012:table/Books", "arn:aws:dynamodb:us-east-1:1234:table/B",
                  "arn:aws:iam::123456789012:role/r", "arn:aws:iam::123456789012:nothing/r",
                  "arn:aws:ssm:us-east-1::document/AWS-RunShellScript", "arn:aws:ssm:us-east-1::document/Mine",
                  "arn:aws:ssm:us-east-1::parameter/aws/service/x", "arn:aws:nosuch:::x", "arn:aws:catalog:::x",
                  "arn:aws:lambda:us-east-1:123456789012:function:f:1", "arn:aws:lambda:us-east-1:123456789012:" + "x" * 2100,
                  "arn:aws:logs:us-east-1:123456789012:log-group:/a/b:*", "arn:aws:sns:us-east-1:123456789012:t",
                  "arn:aws:s3:::b/k?", "arn:aws:s3:::b*/k", "arn:aws:amplify:us-east-1:123456789012:apps/d1/*",
                  "arn:aws:s3:::b/c/*", "arn:aws:s3:::B/C*", "arn:aws:s3:::accesspoint*", "arn:aws:s3:::j*",
                  "arn:aws:ssm:us-east-1::document/AWS-*", "arn:aws:ssm:us-east-1::document/Mine*",
                  "arn:aws:ssm:us-east-1::parameter/x*", "arn:aws:ssm:us-east-1::p*", "arn:aws:ssm:us-east-1::*",
                  "arn:aws:s3:us-east-1:123456789012:b*", "arn:aws:s3:us-east-1:123456789012:accesspoint/x*",
                  "arn:aws:s3:us-east-1:123456789012:access-grants/default*", "arn:aws:s3:us-east-1:123456789012:a*"]


def test_the_previous_entrys_fields_give_the_answers_each_entry_gets_alone():
    from amplify_policy_lint.catalog import default_catalog

    matcher = default_catalog().resources
    alone = {}
    for entry in _FIELD_ENTRIES:
        matcher._last_arn = matcher._last_answer = None
        alone[entry] = resources.arn_field_problems(entry, matcher)
    assert any(alone.values())  # the table holds entries with problems
    for first in _FIELD_ENTRIES:
        for second in _FIELD_ENTRIES:
            matcher._last_arn = matcher._last_answer = None
            matcher._field_problems.clear()
            resources.arn_field_problems(first, matcher)
            assert resources.arn_field_problems(second, matcher) == alone[second], (first, second)
            matcher._last_arn = matcher._last_answer = None
            matcher._field_problems.clear()
            matcher.field_problems(first)
            assert matcher.field_problems(second) == alone[second], (first, second)


# --- APL502: a list whose entries share no start is not compared pair by pair -------------------

@settings(max_examples=300)
@given(texts=st.lists(st.text(alphabet="ab/*:", max_size=6), max_size=12))
@example(texts=["a*", "ab"])
@example(texts=["ab*", "b", "abc/d*", "x:y"])
@example(texts=["a*b", "acb", "b*"])
@example(texts=["ab*", "ac*", "a*"])
@example(texts=["ab*", "ac*", "abc"])
@example(texts=["ab*", "ac*", "abcd"])
@example(texts=["ab*", "ab*c"])
def test_entries_that_start_alike_nowhere_cover_nothing(texts):
    from amplify_policy_lint.rules import redundant_entry

    if redundant_entry._distinct_starts(texts):
        assert redundant_entry._covered(texts) == {}


def test_redundant_entries_a_long_list_of_distinct_entries_takes_the_shortcut():
    from amplify_policy_lint.policy import Item
    from amplify_policy_lint.rules import redundant_entry

    items = [Item(f"arn:aws:s3:::bucket-{i:05d}/some/prefix/*", ("Resource", i)) for i in range(2000)]
    assert redundant_entry._distinct_starts([item.value for item in items])
    assert list(redundant_entry.redundant(items, False)) == []
    items.append(Item("arn:aws:s3:::bucket-00001/some/prefix/x/*", ("Resource", 2000)))
    assert [(a.value, b.value) for a, b in redundant_entry.redundant(items, False)] == [
        ("arn:aws:s3:::bucket-00001/some/prefix/x/*", "arn:aws:s3:::bucket-00001/some/prefix/*")]


# --- line and column by counting line breaks ------------------------------------------------

@given(text=st.text(alphabet="ab\n\r", max_size=30), offsets=st.lists(st.integers(-2, 33), max_size=12))
def test_line_col_by_counting_agrees_with_the_line_starts(text, offsets):
    from amplify_policy_lint.source.text import LineIndex

    counted, listed = LineIndex(text), LineIndex(text)
    listed.starts  # noqa: B018 - built at once
    for offset in offsets:
        assert counted.line_col(offset) == listed.line_col(offset), (text, offset)


def test_field_problems_of_a_list_are_each_entrys_own():
    import random

    from amplify_policy_lint.catalog import default_catalog

    matcher = default_catalog().resources
    alone = {}
    for entry in _FIELD_ENTRIES:
        matcher._last_arn = matcher._last_answer = None
        matcher._field_problems.clear()
        alone[entry] = resources.arn_field_problems(entry, matcher)
    entries = _FIELD_ENTRIES + [None, "*"] + [f"arn:aws:s3:::b-{i}/k/*" for i in range(20)] + [
        f"arn:aws:S3:::b-{i}/k/*" for i in range(20)] + [f"arn:aws:dynamodb:us-east-1::table/t{i}*" for i in range(9)] + [
        f"arn:aws:ssm:us-east-1::document/{name}*" for name in ("AWS-a", "Mine", "aws", "x", "Amazon")]
    rng = random.Random(5)
    for _ in range(30):
        rng.shuffle(entries)
        matcher._last_arn = matcher._last_answer = None
        matcher._field_problems.clear()
        expected = []
        for index, entry in enumerate(entries):
            if entry is None or entry == "*":
                continue
            if entry not in alone:
                saved = matcher._last_arn, matcher._last_answer
                matcher._last_arn = matcher._last_answer = None
                alone[entry] = resources.arn_field_problems(entry, matcher)
                matcher._last_arn, matcher._last_answer = saved
            if alone[entry]:
                expected.append((index, alone[entry]))
        matcher._last_arn = matcher._last_answer = None
        matcher._field_problems.clear()
        assert list(matcher.field_problems_in(entries)) == expected


_ODD_PARTS = ["b/k?", "x:y*", "b*/k*", "b/k", "accesspoint/x*", "access-grants/default*", "job/1*", "*", "b/${x}/*",
              "x" * 2100 + "*", "", "a*", "document/Mine-1*", "document/AWS-1*", "table/t*", "z*",
              "accesspoint/x*", "accesspoin?/x*", "a-very-long-common-bucket-name-?*", "a-very-long-common-bucket-name-*/*",
              "\u0130*", "ACCESSPOINT/x*", "b\n/*", "\u00e9/*", "b", "b/*\n"]
_LONG_LISTS = [[f"arn:aws:s3:::bucket-{i:05d}/some/prefix/*" for i in range(400)],
               [f"arn:aws:S3:::bucket-{i:05d}/*" for i in range(400)],
               [f"arn:aws:s3:us-east-1:123456789012:bucket-{i:05d}/*" for i in range(400)],
               [f"arn:aws:ssm:us-east-1::document/{'AWS' if i % 7 else 'Mine'}-RunShellScriptVersionForTheTestsWithALongName{i}*"
                for i in range(400)],
               [f"arn:aws:dynamodb:us-east-1::table/SomeLongTableName{i}*" for i in range(400)],
               [f"arn:aws:s3:::{'ab'[i % 2]}{i}/*" for i in range(400)],
               [f"arn:aws:s3:us-east-1:123456789012:a-very-long-common-bucket-name-for-the-tests-{i}/*" for i in range(400)],
               [f"arn:aws:s3:*:123456789012:bucket-{i:05d}/*" for i in range(400)],
               [f"arn:aws:s3:us-east-1:123456789012:A-Very-Long-Common-Bucket-Name-For-The-Tests-{i}/*" for i in range(400)],
               [f"arn:aws:s3:us-east-1:123456789012:ACCESSPOINT/Some-Long-Access-Point-Name-For-The-Tests-{i}*" for i in range(400)]]


def test_field_problems_of_a_long_list_of_one_kind_are_each_entrys_own():
    import random

    from amplify_policy_lint.catalog import default_catalog

    matcher = default_catalog().resources
    rng = random.Random(11)
    batched = 0
    for base in _LONG_LISTS:
        prefix = base[0][:len(base[0]) - len(base[0].split(":", 5)[5])]
        for odd in [None, "*", "skip", prefix.replace(":s3:", ":S3:") + "b/*"] + [prefix + part for part in _ODD_PARTS]:
            values = list(base)
            if odd != "skip":
                values.insert(rng.randrange(len(values) + 1), odd)
            matcher._last_arn = matcher._last_answer = None
            matcher._field_problems.clear()
            found = list(matcher.field_problems_in(values))
            batched += matcher._one_answer(values) is not None
            matcher._last_arn = matcher._last_answer = None
            matcher._field_problems.clear()
            matcher._BATCH = 10 ** 9  # entry by entry
            try:
                expected = list(matcher.field_problems_in(values))
            finally:
                del matcher._BATCH
            assert found == expected, (base[0], odd)
    assert batched >= 4  # (the lists that are all of one kind)


def test_a_long_list_of_one_kind_is_answered_at_once():
    from amplify_policy_lint.catalog import default_catalog

    matcher = default_catalog().resources
    for index, base in enumerate(_LONG_LISTS):
        matcher._last_arn = matcher._last_answer = None
        # Not: whether AWS may own each document or table decides (3, 4), two groups of formats (5), a
        # "*" in the first five fields (7).
        assert (matcher._one_answer(base) is None) == (index in (3, 4, 5, 7)), base[0]


@settings(max_examples=200)
@given(values=st.lists(st.none() | st.text(alphabet="aAbB*?:$", max_size=4) | st.just("${x}") | st.just("a${x}*"),
                       max_size=12), ignore_case=st.booleans())
@example(values=["a", "A"], ignore_case=True)
@example(values=["a*", "AB", None, "${x}"], ignore_case=True)
def test_redundant_entries_of_a_list_are_those_of_the_entry_by_entry_search(values, ignore_case):
    from amplify_policy_lint.policy import Item
    from amplify_policy_lint.rules import redundant_entry

    items = tuple(Item(value, ("Resource", index)) for index, value in enumerate(values))
    entries = [(item, item.value.lower() if ignore_case else item.value)
               for item in items if item.value is not None and "${" not in item.value]
    found = [(a.path, b.path) for a, b in redundant_entry.redundant(items, ignore_case)]
    assert found == [(a.path, b.path) for a, b in redundant_entry._redundant_in_order(entries)]


@settings(max_examples=300)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
                    max_leaves=20),
       st.booleans(), st.sampled_from([(", ", ": "), (",", ":")]), st.booleans(), st.booleans())
def test_fastjson_dumps_writes_what_json_dumps_writes(value, ensure_ascii, separators, allow_nan, sort_keys):
    from amplify_policy_lint import fastjson

    def written(dumps):
        try:
            return dumps(value, ensure_ascii=ensure_ascii, separators=separators, allow_nan=allow_nan,
                         sort_keys=sort_keys)
        except ValueError:  # NaN or infinity without allow_nan
            return ValueError

    assert written(fastjson.dumps) == written(json.dumps)


# --- APL205: each kind of action once per statement, the entries' actions remembered ---------

_ACTION_TOKENS = ["s3:GetObject", "s3:ListBucket", "s3:Get*", "s3:*", "S3:getobject", "amplify:DeleteApp",
                  "amplify:*Branch", "amplify:ListApps", "ec2:Describe*", "ec2:RunInstances", "logs:PutLogEvents",
                  "logs:Create*", "iam:PassRole", "lambda:InvokeFunction", "*", "*:Get*", "s3:NoSuchAction",
                  "nosuchservice:Get", "s3:Get?bject", "s3", "s3:Get:Object", "cloudformation:CreateChangeSet"]
_RESOURCES = ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*", "arn:aws:s3:::*", "arn:aws:amplify:us-east-1:1:apps/a",
              "arn:aws:amplify:*:*:apps/a/branches/*", "arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:1:volume/v",
              "arn:aws:logs:*:*:log-group:/aws/lambda/*", "arn:aws:logs:*:*:log-group:g:log-stream:s",
              "arn:aws:iam::1:role/r", "arn:aws:lambda:*:*:function:f", "arn:aws:dynamodb:*:*:table/t",
              "arn:aws:s3:::${aws:username}/*", "arn:aws:cloudformation:*:*:stack/s/*"]


def _actions_one_by_one(catalog, token):
    from amplify_policy_lint.catalog import ActionStatus

    if catalog.check_action(token) is not ActionStatus.KNOWN:
        return ()
    service, _, name = token.partition(":")
    if service == "*":
        return ()
    if not wildcard.has_wildcard(name):
        info = catalog.action(service, name)
        return (info,) if info is not None else ()
    return tuple(info for full in catalog.expand(token) if (info := catalog.action(*full.split(":", 1))) is not None)


@given(tokens=st.lists(st.sampled_from(_ACTION_TOKENS), min_size=1, max_size=6),
       values=st.lists(st.sampled_from(_RESOURCES), min_size=1, max_size=3))
def test_apl205_asks_each_kind_of_action_once_per_statement_with_the_answers_of_each_action(tokens, values):
    from amplify_policy_lint.catalog import Catalog
    from amplify_policy_lint.policy import Item
    from amplify_policy_lint.rules import action_resource_mismatch

    catalog = Catalog()
    matcher = catalog.resources
    items = tuple(Item(value, ("Resource", index)) for index, value in enumerate(values))
    misfits = {}
    for token in tokens:
        infos, kinds = matcher.actions_named(token)
        assert infos == _actions_one_by_one(catalog, token)
        assert {kind for kind, _ in kinds} == {resources._resource_kinds(info) for info in infos}
        expected = all(catalog.surely_misfits(info, value) for info in infos for value in values)
        assert action_resource_mismatch._surely_misfit(kinds, items, matcher, misfits) == expected


@given(written=st.text(alphabet="aAbB*?-1", max_size=6), expected=st.text(alphabet="aAbB?-1", max_size=6))
def test_a_field_without_wildcards_matches_as_the_pattern_does(written, expected):
    assert resources._field_matches(written, expected) == wildcard.match(written, expected)
    assert (written == expected or resources._field_matches(written, expected)) == wildcard.match(written, expected)


# --- fits: formats settled by the literal head of the entry's resource part -------------------

def _fits_one_by_one(matcher, info, resource):
    """ResourceMatcher._fits_uncached as it was before it passed over the formats that the
    head of the entry's resource part settles."""
    if len(resource) > resources.limits.MAX_ARN_CHARS:
        return None
    pattern = wildcard.variables_as_stars(resource)
    if not info.resource_types:
        return wildcard.has_wildcard(pattern)
    types = matcher.catalog.resource_types(info.service)
    undecided = False
    for listed in info.resource_types:
        resource_type = types.get(listed.name.lower())
        if resource_type is None or not resource_type.arn_pattern:
            undecided = True
            continue
        for template in matcher._templates(info.service, resource_type):
            if _template_fits_by_overlaps(matcher, info.service, template, pattern):
                return True
    return None if undecided else False


def _reference_overlaps(pattern, template, mode):
    """resources._overlaps (of a lower-case pattern) as it was before it counted colons, with
    the former walk."""
    head = pattern.split(":", 3)
    if len(head) == 4 and template.arn_service is not None and "*" not in head[0] + head[1] + head[2] \
            and not wildcard.match(head[2], template.arn_service):
        return False
    if mode == resources.SEGMENTS:
        return _reference_walk(pattern, template.tokens, resources.SEGMENTS, True)
    parts = pattern.split(":", 5)
    if len(parts) == 6 and template.fields:
        if resources._aligned(parts, template, mode):
            return True
        if ":" not in template.resource_tokens:
            return False
    return _reference_walk(pattern, template.tokens, mode, False)


def _template_fits_by_overlaps(matcher, prefix, template, pattern):
    """ResourceMatcher._template_fits as it was before it compared the fields once for both
    modes, with _overlaps as it was before it counted colons."""
    lowered = pattern.lower()
    if not _reference_overlaps(lowered, template, resources.LOOSE):
        return False
    if not template.ends_with_placeholder or _reference_overlaps(lowered, template, resources.SLASH_FREE):
        return True
    return not any(_reference_overlaps(lowered, e, resources.SEGMENTS) for e in matcher._extensions(prefix, template))


def test_a_format_settled_by_the_head_overlaps_no_entry_with_another_head():
    from amplify_policy_lint.catalog import default_catalog

    matcher = default_catalog().resources
    settled = 0
    for service in ("s3", "amplify", "apigateway", "ec2", "iam", "logs", "rds"):
        templates = matcher._all_templates(service)
        parts = sorted({p for t in templates if t.fields for p in _plain_candidates(t.source.lower().split(":", 5)[5])})
        parts = parts[::max(1, len(parts) // 40)] + ["*a", "a*", "?x", "x?y/*", ""]
        for template in templates[:40]:
            if not template.head_decides:
                continue
            for part in parts:
                head = wildcard.literal_head(part)
                if head.startswith(template.resource_head) or template.resource_head.startswith(head):
                    continue
                for fields in ("arn:aws:" + service + ":us-east-1:123456789012:", "arn:aws:*:*:*:",
                               "arn:a?s:" + service + ":*::"):
                    for mode in (resources.LOOSE, resources.SLASH_FREE):
                        assert not template.overlaps(fields + part, mode), (template.source, fields + part, mode)
                        settled += 1
    assert settled > 500


@given(action=st.sampled_from(["s3:GetObject", "s3:ListBucket", "s3:CreateJob", "amplify:DeleteBranch",
                               "amplify:ListApps", "apigateway:GET", "logs:PutLogEvents", "ec2:RunInstances",
                               "rds:CreateDBInstance", "lambda:InvokeFunction", "iam:PassRole", "ssm:SendCommand",
                               "sagemaker:CreateTrainingJob", "storagegateway:ListVolumes"]),
       fields=st.sampled_from(["arn:aws:s3:::", "arn:aws:amplify:*:*:", "arn:aws:apigateway:*::", "arn:aws:logs:*:*:",
                               "arn:aws:ec2:us-east-1:123456789012:", "arn:aws:rds:*:*:", "arn:*:*:*:*:",
                               "arn:aws:lambda:*:*:", "arn:aws:iam::*:", "arn:aws:ssm:*:*:", "arn:aws", "*:"]),
       part=st.text(alphabet="abdeglnorstuv/:-*?", max_size=20))
def test_fits_passing_over_the_formats_the_head_settles_answers_as_trying_each(action, fields, part):
    from amplify_policy_lint.catalog import default_catalog

    catalog = default_catalog()
    matcher = resources.ResourceMatcher(catalog)
    info = catalog.action(*action.split(":"))
    resource = fields + part
    assert matcher.fits(info, resource) == _fits_one_by_one(resources.ResourceMatcher(catalog), info, resource)


def test_the_formats_an_entry_is_aligned_with_are_those_each_comparison_finds():
    from amplify_policy_lint.catalog import default_catalog

    catalog = default_catalog()
    for service in ("s3", "amplify", "apigateway", "logs", "lambda", "iam", "ec2", "rds"):
        matcher = resources.ResourceMatcher(catalog)
        templates = matcher._all_templates(service)
        parts = sorted({p for t in templates if t.fields for p in _plain_candidates(t.source.lower().split(":", 5)[5])})
        for part in parts[::max(1, len(parts) // 60)] + ["*", "*a", "?", "", "a*:b"]:
            for fields in ("arn:aws:" + service + ":us-east-1:123456789012:", "arn:*:*:*:*:", "arn:aws:" + service + ":::"):
                pattern = fields + part
                expected = tuple(t for t in templates if resources._aligned(pattern.split(":", 5), t, resources.LOOSE))
                assert matcher._aligned_templates(service, pattern) == expected, pattern


# --- an ARN format's parts, made once per format ----------------------------------------------

def _reference_template(source):
    """What _ArnTemplate made of a format before it read the resource head and the end from the
    text and left the whole format's tokens to first use."""
    lowered = source.lower()
    tokens = _reference_tokens(lowered, 0)
    parts = lowered.split(":", 5)
    fields, resource_tokens = (), ()
    if len(parts) == 6:
        fields = tuple("${}" if index in (1, 3) and f.startswith("${") and f.endswith("}") and f.count("${") == 1
                       else None if "${" in f or "*" in f else f for index, f in enumerate(parts[:5]))
        resource_tokens = _reference_tokens(parts[5], 5)
    literal = 0
    while literal < len(resource_tokens) and resource_tokens[literal].__class__ is str:
        literal += 1
    return {"tokens": tokens, "fields": fields, "resource_tokens": resource_tokens,
            "resource_head": "".join(resource_tokens[:literal]),
            "arn_service": parts[2] if len(parts) > 2 and "${" not in parts[2] else None,
            "head_decides": bool(fields) and ":" not in resource_tokens,
            "ends_with_placeholder": bool(tokens) and tokens[-1] is resources._PLACEHOLDER}


def _template_parts(template):
    return {name: getattr(template, name) for name in ("fields", "resource_tokens", "resource_head", "arn_service",
                                                       "head_decides", "ends_with_placeholder", "tokens")}


def test_every_catalog_format_is_made_into_the_parts_it_was():
    for source in _catalog_formats() + ["arn:${a:b}:s3:::x/${y}", "arn:${P:s3:::x/${y}", "arn:p:s3:${R}::x}${",
                                        "arn:*:s3:::*", "", "arn", "a:b:c:d:e:", "arn:${P}:s3:::${B}:${C}",
                                        "arn:p:${s:x}:r:*", "arn:p:${s}x}:r:a:*"]:
        assert _template_parts(resources._ArnTemplate(source)) == _reference_template(source), source


@given(source=st.text(alphabet="arn:${P}*/x", max_size=30))
def test_any_format_is_made_into_the_parts_it_was(source):
    assert _template_parts(resources._ArnTemplate(source)) == _reference_template(source)


def test_a_format_compared_field_by_field_once_fits_as_compared_in_each_mode():
    from amplify_policy_lint.catalog import default_catalog

    matcher = default_catalog().resources
    compared = 0
    for service in ("s3", "amplify", "apigateway", "logs", "lambda", "iam", "ec2", "rds", "ssm", "secretsmanager"):
        templates = matcher._all_templates(service)
        parts = sorted({p for t in templates if t.fields for p in _plain_candidates(t.source.lower().split(":", 5)[5])})
        for part in parts[::max(1, len(parts) // 50)] + ["*", "*a", "?", "", "a*:b", "x/*"]:
            for fields in ("arn:aws:" + service + ":us-east-1:123456789012:", "arn:*:*:*:*:", "arn:aws:" + service + ":::",
                           "arn:aws:s3:::", "arn:aws:" + service + ":*:*:", "arn:aws:" + service.upper() + ":a/b:*:",
                           "arn:a?s:" + service + "::aws:"):
                pattern = fields + part
                for template in templates[:60]:
                    expected = _template_fits_by_overlaps(matcher, service, template, pattern)
                    parts_of = pattern.lower().split(":", 5)
                    assert matcher._template_fits(service, template, pattern, parts_of) == expected, (template.source,
                                                                                                       pattern)
                    compared += 1
    assert compared > 10000


@given(source=st.sampled_from(ARN_FORMATS + _ODD_FORMATS), fields=st.sampled_from(
           ["arn:aws:s3:::", "arn:aws:logs:*:*:", "arn:*:*:*:*:", "arn:aws:x:us-east-1:1:", "arn:aws:iam::*:", "arn:aws:*",
            "arn:aws:lambda:r:123456789012:", "arn:aws:amplify:*:*:", "arn::x:::", "arn:aws:x:a/b::"]),
       part=st.text(alphabet="abgrlo:/-*?", max_size=20))
def test_any_format_compared_field_by_field_once_fits_as_compared_in_each_mode(source, fields, part):
    from amplify_policy_lint.catalog import default_catalog

    matcher = resources.ResourceMatcher(default_catalog())
    template = resources._ArnTemplate(source)
    pattern = fields + part
    assert matcher._template_fits("x", template, pattern, pattern.lower().split(":", 5)) == _template_fits_by_overlaps(
        matcher, "x", template, pattern)


_COLON_FORMATS = ["arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}",
                  "arn:${Partition}:rds:${Region}:${Account}:cluster:${DbClusterInstanceName}",
                  "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}",
                  "arn:${Partition}:x:${Region}:${Account}:a:${A}/b:${B}", "arn:${P:x}:y:${R}:${A}:t:${N}",
                  "arn:${Partition}:x:${Region}::${A}:b:c", "arn:p:x:${R}:*:t:${N}"]


@settings(max_examples=300)
@given(source=st.sampled_from(_COLON_FORMATS + ARN_FORMATS + _ODD_FORMATS),
       pattern=st.text(alphabet="arnlogsx:*?/-b", max_size=40), mode=st.sampled_from([0, 1, 2]))
def test_a_pattern_with_as_many_colons_as_the_format_overlaps_it_as_the_walk_says(source, pattern, mode):
    template = resources._ArnTemplate(source)
    assert template.overlaps(pattern, mode) == _reference_overlaps(pattern.lower(), template, mode)


def test_entries_with_as_many_colons_as_a_catalog_format_overlap_it_as_the_walk_says():
    from amplify_policy_lint.catalog import default_catalog

    matcher = default_catalog().resources
    compared = 0
    for service in ("logs", "rds", "lambda", "ssm", "secretsmanager", "glue", "states"):
        templates = [t for t in matcher._all_templates(service) if t.resource_colon]
        parts = sorted({p for t in templates for p in _plain_candidates(t.source.lower().split(":", 5)[5])})
        for part in parts[::max(1, len(parts) // 30)] + ["*", "*:*", "a:*:b", "*:*:*"]:
            for fields in ("arn:aws:" + service + ":*:*:", "arn:*:*:*:*:", "arn:aws:" + service + ":us-east-1:1:",
                           "arn:aws:*:", "arn:*", "arn:aws:" + service + ":*:"):
                pattern = fields + part
                for template in templates[:30]:
                    for mode in (resources.LOOSE, resources.SLASH_FREE):
                        assert template.overlaps(pattern, mode) == _reference_overlaps(pattern.lower(), template, mode), (
                            template.source, pattern, mode)
                        compared += 1
    assert compared > 5000


def test_fits_answers_as_trying_each_format_for_every_kind_of_action_of_a_few_services():
    from amplify_policy_lint.catalog import default_catalog

    catalog = default_catalog()
    compared = 0
    for service in ("s3", "ec2", "logs", "rds", "apigateway", "iam", "sagemaker"):
        matcher = resources.ResourceMatcher(catalog)
        kinds = {resources._resource_kinds(info): info for info in catalog.actions(service).values()}
        templates = matcher._all_templates(service)
        parts = sorted({p for t in templates if t.fields for p in _plain_candidates(t.source.lower().split(":", 5)[5])})
        entries = ["arn:aws:" + service + ":*:*:" + part for part in parts[::max(1, len(parts) // 12)]]
        entries += ["arn:aws:" + service + ":::*", "arn:aws:" + service + ":*:*:*", "arn:aws:s3:::b/*", "arn:*:*:*:*:x*"]
        for info in list(kinds.values())[::max(1, len(kinds) // 25)]:
            for entry in entries:
                assert matcher.fits(info, entry) == _fits_one_by_one(matcher, info, entry), (info.full_name, entry)
                compared += 1
    assert compared > 500


# --- patterns_overlap: a pattern of stars, and the literal heads -------------------------------

def _reference_patterns_overlap(a, b):
    """resources.patterns_overlap as it was before it answered a pattern of stars and two
    literal heads that cannot start a common text without the walk."""
    if not (wildcard.has_wildcard(a) or wildcard.has_wildcard(b)):
        return a == b
    n, m = len(a), len(b)
    if (n + 1) * (m + 1) > resources._MAX_STATES:
        return True
    seen, stack = set(), [(0, 0)]
    while stack:
        state = stack.pop()
        if state in seen:
            continue
        seen.add(state)
        i, j = state
        if i == n and j == m:
            return True
        ca = a[i] if i < n else None
        cb = b[j] if j < m else None
        if ca == "*":
            stack.append((i + 1, j))
            if cb is not None and cb != "*":
                stack.append((i, j + 1))
        if cb == "*":
            stack.append((i, j + 1))
            if ca is not None and ca != "*":
                stack.append((i + 1, j))
        if ca is not None and cb is not None and ca != "*" and cb != "*":
            if ca == cb or ca == "?" or cb == "?":
                stack.append((i + 1, j + 1))
    return False


@given(a=st.text(alphabet="ab/:*?", max_size=30), b=st.text(alphabet="ab/:*?", max_size=30))
def test_patterns_overlap_answers_as_the_walk(a, b):
    assert resources.patterns_overlap(a, b) == _reference_patterns_overlap(a, b)


@pytest.mark.parametrize("a, b", [("*", ""), ("", "*"), ("**", "a?b"), ("a" * 600 + "*", "b" * 600), ("x" * 600, "*"),
                                  ("db:autoscaled-reader*", "cluster:*"), ("role/a*", "role/*"), ("a*", "?b"),
                                  ("rule/x", "rule/*/*"), ("a" * 600 + "?", "b" * 600 + "*")])
def test_patterns_overlap_answers_as_the_walk_on_the_shortcuts_and_past_the_budget(a, b):
    assert resources.patterns_overlap(a, b) == _reference_patterns_overlap(a, b)


# --- the index of a service's formats (formats_fitting) ---------------------------------------

@given(source=st.text(alphabet="arn:${P}*/x?", max_size=30))
def test_the_head_of_a_formats_first_piece_is_its_plain_forms(source):
    template = resources._ArnTemplate(source)
    form = template.plain_form(resources.LOOSE)
    assert template.first_piece_head() == (form and form[1][0])


def test_every_service_is_indexed_as_it_was():
    from amplify_policy_lint.catalog import default_catalog

    catalog = default_catalog()
    matcher = resources.ResourceMatcher(catalog)
    for service in catalog.service_prefixes():
        by_first = matcher._index_formats(service)
        own = tuple(t for t in matcher._all_templates(service) if t.fields and t.arn_service in (service, None))
        if not own:
            assert by_first is None
            continue
        pairs = tuple((t, t.plain_form(resources.LOOSE) and t.plain_form(resources.LOOSE)[1][0]) for t in own)
        expected = {None: pairs}
        for first in {t.resource_head[:1] for t in own}:
            expected[first] = tuple(pair for pair in pairs if pair[0].resource_head[:1] in ("", first))
        assert by_first == expected, service


def _reference_related(first, second, everything):
    """resources._related as it was, before it remembered the formats each one is part of."""
    a, b = first.source, second.source
    if a.startswith(b) or b.startswith(a):
        return True
    return any(a.startswith(t.source) and b.startswith(t.source) and t.ends_with_placeholder for t in everything)


def test_formats_are_related_as_they_were():
    from amplify_policy_lint.catalog import default_catalog

    matcher = resources.ResourceMatcher(default_catalog())
    related = 0
    for service in ("amplify", "s3", "apigateway", "logs", "glue", "ec2"):
        everything = matcher._all_templates(service)
        for first in everything:
            for second in everything[::3]:
                expected = _reference_related(first, second, everything)
                assert matcher._related(service, first, second) == expected, (first.source, second.source)
                related += expected
    assert related > 100


# --- a document's facts from its own plain JSON text ---------------------------------------------

def _compact_facts(data):
    from amplify_policy_lint.policy import _JSON_INTRINSIC_MARKS, compact_json, plain_json_size

    text = compact_json(data)
    return "${" in text, any(mark in text for mark in _JSON_INTRINSIC_MARKS), plain_json_size(text)


FACT_STRINGS = st.text(alphabet=st.sampled_from(list('ab ${}:"\\\t\nRefFn:Condition\u00e9\u2028\u3000')), max_size=10)
FACT_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**20, max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False) | FACT_STRINGS
    | st.sampled_from([{"Ref": "X"}, {"Fn::If": ["c", 1, 2]}, {"Condition": "C"}]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(FACT_STRINGS, inner, max_size=4),
    max_leaves=25)


@settings(max_examples=300)
@given(value=st.dictionaries(FACT_STRINGS, FACT_VALUES, max_size=5), indent=st.sampled_from([None, 0, 2, "\t"]),
       ascii_only=st.booleans())
def test_facts_from_a_plain_json_text_are_the_facts_of_its_compact_json(value, indent, ascii_only):
    from amplify_policy_lint.policy import plain_text_facts

    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    source, problems = parse_json("p.json", text)
    assert source is not None and problems == []
    if source.plain_json:
        assert plain_text_facts(text) == _compact_facts(source.data)


@pytest.mark.parametrize("text, plain", [
    ('{"a": [1, 2.5, -3, 0.1, -0.0, 1e+16]}', True),
    ('{"a": -0}', False), ('{"a": 1E5}', False), ('{"a": 1.50}', False), ('{"a": 1e999}', False),
    ('{"a": "x\\u0024{y"}', False), ('{"a": "\\/"}', False), ('{"a": "b c"}', True),
])
def test_a_text_is_plain_json_only_when_compact_json_writes_it_alike(text, plain):
    source, _ = parse_json("p.json", text)
    assert source.plain_json is plain
