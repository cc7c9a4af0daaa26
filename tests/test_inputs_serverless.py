"""Serverless Framework service files."""
from __future__ import annotations

import textwrap

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import Plan, lint_file, lint_paths
from amplify_policy_lint.model import PrincipalKey
from amplify_policy_lint.policy import DocKind


def locate_service(tmp_path, text: str, name: str = "serverless.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    outcome = lint_file(str(path), Plan.build(Settings()))
    return path, outcome


def test_provider_statements_are_the_service_role(tmp_path):
    path, outcome = locate_service(tmp_path, """\
        service: cleanup
        provider:
          name: aws
          iam:
            role:
              statements:
                - Effect: Allow
                  Action: amplify:DeleteApp
                  Resource: "*"
        """)
    [document] = outcome.located.documents
    assert document.kind is DocKind.IDENTITY and document.container == "serverless"
    assert document.data["Version"] == "2012-10-17"  # the framework writes it
    span = document.span(("Statement", 0, "Action"))
    assert (span.line, span.column) == (8, 19)
    assert document.span(()).line == 7  # the list stands for the synthetic policy
    [principal] = outcome.located.principals
    assert principal.complete and principal.label == "the role of Serverless service cleanup"


def test_older_iam_role_statements_and_managed_policies(tmp_path):
    _, outcome = locate_service(tmp_path, """\
        service: cleanup
        provider:
          name: aws
          iamManagedPolicies:
            - arn:aws:iam::aws:policy/AdministratorAccess-Amplify
          iamRoleStatements:
            - Effect: Allow
              Action: amplify:DeleteApp
              Resource: "*"
        """)
    [document] = outcome.located.documents
    assert document.base == ("provider", "iamRoleStatements")
    assert [p.complete for p in outcome.located.principals] == [False]


def test_statements_from_another_file_or_an_existing_role_are_not_visible(tmp_path):
    _, outcome = locate_service(tmp_path, """\
        service: cleanup
        provider:
          name: aws
          iam:
            role:
              statements: ${file(./iam.yml)}
        """)
    # The file mentions no statement the linter could read: nothing is located.
    assert outcome.located is None or not outcome.located.documents


def test_variables_are_unknown_not_guessed(tmp_path):
    _, outcome = locate_service(tmp_path, """\
        service: cleanup
        custom:
          bucketArn: arn:aws:s3:::artifacts
        provider:
          name: aws
          iam:
            role:
              statements:
                - Effect: Allow
                  Action: s3:GetObject
                  Resource: ${self:custom.bucketArn}/*
        """)
    assert outcome.report.findings == []  # not "is not an ARN"
    [document] = outcome.located.documents
    assert document.statements[0].resources[0].value is None


def test_per_function_roles_and_resources(tmp_path):
    path, outcome = locate_service(tmp_path, """\
        service: cleanup
        provider:
          name: aws
          iam:
            role:
              statements:
                - Effect: Allow
                  Action: amplify:ListApps
                  Resource: "*"
        functions:
          remove:
            handler: handler.remove
            iamRoleStatementsInherit: true
            iamRoleStatements:
              - Effect: Allow
                Action: amplify:DeleteApp
                Resource: "*"
        resources:
          Resources:
            Topic:
              Type: AWS::SNS::Topic
            TopicPolicy:
              Type: AWS::SNS::TopicPolicy
              Properties:
                Topics: [!Ref Topic]
                PolicyDocument:
                  Version: "2012-10-17"
                  Statement:
                    - Effect: Allow
                      Principal: {Service: events.amazonaws.com}
                      Action: sns:Publish
                      Resource: !Ref Topic
        """)
    documents = {d.label: d for d in outcome.located.documents}
    provider = documents["provider.iam.role.statements of the Serverless service"]
    function = documents["functions.remove.iamRoleStatements of the Serverless service"]
    service_role = PrincipalKey("serverless", str(path), "provider")
    function_role = PrincipalKey("serverless", str(path), "functions.remove")
    assert provider.principals == (service_role, function_role)  # inherited
    assert function.principals == (function_role,)
    topic = documents["PolicyDocument of AWS::SNS::TopicPolicy TopicPolicy"]
    assert topic.kind is DocKind.RESOURCE and topic.base[:2] == ("resources", "Resources")


def test_finding_in_statements_is_placed_exactly(tmp_path):
    path, _ = locate_service(tmp_path, """\
        service: cleanup
        provider:
          name: aws
          iam:
            role:
              statements:
                - Effect: Allow
                  Action: s3:GetObject
                  Resource: cleanup-bucket/*
        """)
    report = lint_paths([str(path)], Settings(select=("APL106",)))
    assert [(f.span.line, f.span.column, f.span.end_column) for f in report.findings] == [(9, 21, 37)]
