"""The normalised Condition of the policy model (policy.Condition, Statement queries): what
every rule that looks at a Condition reads instead of the raw mapping."""
from __future__ import annotations

from amplify_policy_lint.policy import normalise


def one(statement: dict):
    (result,) = normalise({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", **statement}]})
    return result


def test_one_condition_per_operator_and_key_in_order():
    statement = one({"Condition": {
        "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["team", "env"], "AWS:SourceAccount": "111122223333"},
        "Bool": {"aws:SecureTransport": True},
    }})
    first, second, third = statement.conditions
    assert first.operator.qualifier == "ForAnyValue:" and first.operator.base == "StringLike"
    assert first.operator.if_exists and first.operator.known and first.operator.family == "String"
    assert first.key == "aws:TagKeys" and first.listed
    assert [v.value for v in first.values] == ["team", "env"]
    assert [v.path for v in first.values] == [
        ("Statement", 0, "Condition", "ForAnyValue:StringLikeIfExists", "aws:TagKeys", 0),
        ("Statement", 0, "Condition", "ForAnyValue:StringLikeIfExists", "aws:TagKeys", 1),
    ]
    assert second.key_lower == "aws:sourceaccount" and not second.listed
    assert second.values[0].path == second.path
    assert second.operator_path == ("Statement", 0, "Condition", "ForAnyValue:StringLikeIfExists")
    assert third.values[0].value is True and third.values[0].text is None
    assert statement.condition_keys() == {"aws:tagkeys", "aws:sourceaccount", "aws:securetransport"}
    assert not statement.condition_unknown


def test_unknown_values_and_unreadable_parts():
    statement = one({"Condition": {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
        "ArnLike": {"Fn::If": ["c", {}, {}]},
    }})
    (condition,) = statement.conditions
    assert condition.values[0].unknown and condition.values[0].text is None
    blocks = statement.condition_blocks
    assert [b.operator.text for b in blocks] == ["StringEquals", "ArnLike"]
    assert blocks[1].conditions is None and statement.condition_unknown
    whole = one({"Condition": {"Fn::If": ["c", {"Bool": {"aws:SecureTransport": "true"}}, {}]}})
    assert whole.conditions == () and whole.condition_blocks == () and whole.condition_unknown


def test_tests_key_is_three_valued():
    assert one({}).tests_key("iam:PassedToService") is False
    assert one({"Condition": {}}).tests_key("iam:PassedToService") is False
    tested = one({"Condition": {"StringLike": {"IAM:passedToService": "lambda.*"}}})
    assert tested.tests_key("iam:PassedToService") is True
    assert tested.tests_key("aws:SourceArn") is False
    unreadable = one({"Condition": {"StringLike": {"Ref": "Keys"}}})
    assert unreadable.tests_key("iam:PassedToService") is None
    tags = one({"Condition": {"StringEquals": {"aws:ResourceTag/team": "web"}}})
    assert tags.tests_key("aws:ResourceTag/", prefix=True) is True
    assert tags.tests_key("aws:ResourceTag/") is False


def test_an_empty_block_is_readable_and_tests_nothing():
    statement = one({"Condition": {"StringEqual": {}}})
    (block,) = statement.condition_blocks
    assert block.conditions == () and not block.operator.known
    assert statement.conditions == () and not statement.condition_unknown


def test_every_resource():
    assert one({"Resource": "*"}).every_resource()
    assert one({"Resource": ["arn:aws:s3:::b", "arn:aws:*:*:*:*"]}).every_resource()
    assert not one({"Resource": "arn:aws:s3:::b/*"}).every_resource()
    assert one({"NotResource": "arn:aws:s3:::b/*"}).every_resource()
    assert not one({"NotResource": "*"}).every_resource()
    assert not one({"NotResource": {"Ref": "Bucket"}}).every_resource()
    assert not one({}).every_resource()
