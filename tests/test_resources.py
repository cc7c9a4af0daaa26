"""resources.py: one reading of ARNs and one answer to "may this Resource entry name a
resource of this action", whoever asks (APL205, APL301, APL302-APL304, APL403).

Before, three engines answered on their own (grants.reaches, Catalog.action_fits_resource,
amplify_arns._parse) and disagreed on about one pair in seven of the AWS managed policies'
(action, resource) pairs. The kinds of disagreement, and the answer each question now gets:

* a grant is proved (``reaches``) only where the catalog's formats also allow the entry
  (``fits``): s3:PutBucketPolicy on ``site/*`` (objects) was a grant for the field-by-field
  engine and a misfit for the format engine; now it is neither a grant nor unreported
  (APL205 reports it);
* where the format engine is lenient, it stays so for APL205 only (a misfit is reported when
  surely one) and a grant is not proved on it: a case that differs from the format
  (``vpcconnection`` for ``vpcConnection``), a ``*`` of the region or account that would have
  to cross colons to fit, an action that takes only ``"*"`` on a wildcard ARN, a ``:*``
  qualifier the format leaves out where the field-by-field comparison has no room for it;
* Amplify app scopes stay stricter than both: an amplify ARN without account names no app.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from amplify_policy_lint import amplify_arns
from amplify_policy_lint.catalog import Catalog
from amplify_policy_lint.policy import normalise
from amplify_policy_lint.resources import Arn, arn_service, names_every_resource, parse_arn, reaches

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "aws-managed"


@pytest.fixture(scope="module")
def catalog():
    return Catalog()


def statement(action, resource):
    (result,) = normalise({"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
    return result


# (action, resource, fits, surely misfits, reaches): one row per kind of disagreement found.
CASES = [
    # object pattern for a bucket action: the old field-by-field engine called it a grant
    ("s3:PutBucketPolicy", "arn:aws:s3:::site/*", False, True, False),
    ("s3:GetObject", "arn:aws:s3:::site/*", True, False, True),
    ("s3:GetObject", "arn:aws:s3:::site", False, True, False),
    # an index pattern for a table action: likewise
    ("dynamodb:DescribeTable", "arn:aws:dynamodb:*:*:table/*redshift*/index/*", False, True, False),
    # case differs from the format (vpcConnection): not a misfit to report, no grant to prove
    ("quicksight:UpdateVPCConnection", "arn:aws:quicksight:*:*:vpcconnection/*", True, False, False),
    # a star that fits only by crossing colons: likewise
    ("logs:PutDestination", "arn:aws:logs:*:*:/aws-sixthsense/*", True, False, False),
    ("cloudformation:CreateStackSet", "arn:aws:cloudformation:*:*:stackset/AWSControlTower*:*", True, False, False),
    # an action that takes only "*": a wildcard ARN is not reported, and grants nothing
    ("acm:RequestCertificate", "arn:aws:acm:*:*:certificate/*", True, False, False),
    ("acm:RequestCertificate", "*", True, False, True),
    # qualifiers the formats leave out: both engines agree
    ("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:f:live", True, False, True),
    ("logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:g:*", True, False, True),
    # a branch is not an app
    ("amplify:DeleteApp", "arn:aws:amplify:us-east-1:123456789012:apps/d1/branches/main", False, True, False),
    ("iam:PassRole", "arn:aws:iam::*:role/*", True, False, True),
    ("iam:PassRole", "arn:aws:sns:us-east-1:111122223333:topic", False, True, False),
]


@pytest.mark.parametrize("action, resource, fits, misfits, reach", CASES)
def test_one_answer_per_question(catalog, action, resource, fits, misfits, reach):
    info = catalog.action(*action.lower().split(":"))
    assert catalog.action_fits_resource(info, resource) is fits
    assert catalog.surely_misfits(info, resource) is misfits
    assert reaches(statement(action, resource), action, catalog) is reach
    # one semantics: no grant where the formats rule the entry out, no misfit where it grants
    assert not (reach and fits is False)
    assert not (reach and misfits)


def test_amplify_app_scopes_are_stricter_than_the_formats(catalog):
    # ${Account} may be empty in a catalog format (AWS-owned resources); an app ARN never is.
    no_account = "arn:aws:amplify:us-east-1::apps/d1"
    info = catalog.action("amplify", "deleteapp")
    assert catalog.action_fits_resource(info, no_account) is True
    assert amplify_arns.delete_scopes(statement("amplify:DeleteApp", no_account)) == ()
    (scope,) = amplify_arns.delete_scopes(statement("amplify:DeleteApp", "arn:aws:amplify:us-east-1:123456789012:apps/d1"))
    assert (scope.region, scope.account, scope.app) == ("us-east-1", "123456789012", "d1")


def test_unknown_entries_never_prove_anything(catalog):
    intrinsic = normalise({"Statement": [{"Effect": "Allow", "Action": "iam:PassRole",
                                          "Resource": {"Ref": "Topic"}}]})[0]
    assert reaches(intrinsic, "iam:PassRole", catalog, unknown=True) is True
    assert reaches(intrinsic, "iam:PassRole", catalog, unknown=False) is False
    variable = statement("iam:PassRole", "arn:aws:sns:us-east-1:111122223333:${aws:username}")
    assert reaches(variable, "iam:PassRole", catalog) is True  # a policy variable: cannot tell


def test_parse_arn():
    arn = parse_arn("arn:aws:iam::123456789012:role/service-role/deploy")
    assert arn == Arn("aws", "iam", "", "123456789012", "role/service-role/deploy")
    assert (arn.resource_type, arn.resource_id, arn.concrete_account) == ("role", "service-role/deploy", "123456789012")
    assert parse_arn("arn:aws:logs:us-east-1:1:log-group:g:*").resource == "log-group:g:*"
    assert parse_arn("arn:aws:s3:::b/${aws:username}/*").variables
    assert parse_arn("*") is None and parse_arn({"Ref": "Bucket"}) is None
    assert parse_arn("arn:aws:s3::b") is None  # five fields
    assert parse_arn("*:aws:s3:::b") is None and parse_arn("*:aws:s3:::b", head=None).head == "*"
    assert arn_service("arn:aws:s3") == "s3" and arn_service("s3") is None


def test_every_resource():
    assert names_every_resource("*") and names_every_resource("arn:aws:*:*:*:*")
    assert not names_every_resource("arn:aws:s3:::*")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")
def test_the_answers_agree_over_the_managed_policies(catalog):
    pairs = set()
    for path in sorted(CORPUS.glob("*.json"))[:300]:
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in normalise(data.get("Document", data) if isinstance(data, dict) else data):
            actions = [i.value for i in item.actions if i.value and "*" not in i.value and "?" not in i.value]
            for action in actions if item.action_key == "Action" else ():
                for resource in item.resources:
                    if resource.value and resource.value != "*":
                        pairs.add((action, resource.value))
    assert len(pairs) > 500
    for action, resource in sorted(pairs):
        info = catalog.action(*action.lower().split(":", 1))
        if info is None:
            continue
        reach = reaches(statement(action, resource), action, catalog)
        assert not (reach and catalog.action_fits_resource(info, resource) is False), (action, resource)
        assert not (reach and catalog.surely_misfits(info, resource)), (action, resource)
