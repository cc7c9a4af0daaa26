"""Terraform configuration (.tf) read with tree-sitter-hcl: documents, kinds from use,
principals across the files of a module directory, suppressions, the import cost."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity
from amplify_policy_lint.policy import DocKind

from conftest import ROOT


def write(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def lint(directory: Path, paths: list[str], monkeypatch, **settings) -> list[str]:
    monkeypatch.chdir(directory)
    report = lint_paths(paths, Settings(fail_on=Severity.INFO, **settings))
    assert not report.errors, report.errors
    return [f"{f.file}:{f.span.line}:{f.span.column}: {f.rule.id}" for f in report.findings]


def documents(directory: Path, name: str, monkeypatch):
    from amplify_policy_lint.inputs.terraform_source import locate, read

    monkeypatch.chdir(directory)
    return locate(read(name, (directory / name).read_text(encoding="utf-8"))[0])


ROLE_WITH_CREATE_APP = """\
    resource "aws_iam_role" "deploy" {
      name               = "deploy"
      assume_role_policy = var.trust
    }

    resource "aws_iam_role_policy" "deploy" {
      role   = aws_iam_role.deploy.id
      policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "amplify:CreateApp", Resource = "*" }]
      })
    }
"""


def test_the_document_kind_comes_from_where_it_is_used(tmp_path, monkeypatch):
    write(tmp_path, {"main.tf": """\
        data "aws_iam_policy_document" "trust" {
          statement {
            actions = ["sts:AssumeRole"]
            principals {
              type        = "Service"
              identifiers = ["lambda.amazonaws.com"]
            }
          }
        }
        data "aws_iam_policy_document" "bucket" {
          statement {
            actions   = ["s3:GetObject"]
            resources = ["arn:aws:s3:::assets/*"]
          }
        }
        data "aws_iam_policy_document" "loose" {
          statement {
            actions   = ["s3:GetObject"]
            resources = ["*"]
          }
        }
        resource "aws_iam_role" "fn" {
          assume_role_policy = data.aws_iam_policy_document.trust.json
        }
        resource "aws_s3_bucket_policy" "assets" {
          bucket = "assets"
          policy = data.aws_iam_policy_document.bucket.minified_json
        }
    """})
    located = documents(tmp_path, "main.tf", monkeypatch)
    kinds = {d.base[0]: d.kind for d in located.documents}
    assert kinds == {"data.aws_iam_policy_document.trust": DocKind.TRUST,
                     "data.aws_iam_policy_document.bucket": DocKind.RESOURCE,  # no Principal, still a bucket's
                     "data.aws_iam_policy_document.loose": DocKind.IDENTITY}  # unused: judged by content


def test_a_policy_document_renders_as_the_provider_does(tmp_path, monkeypatch):
    write(tmp_path, {"main.tf": """\
        data "aws_iam_policy_document" "a" {
          statement {
            sid     = "One"
            actions = ["s3:GetObject"]
          }
          statement {
            sid     = "Two"
            actions = ["s3:PutObject"]
          }
        }
        data "aws_iam_policy_document" "b" {
          statement {
            sid     = "Two"
            actions = ["s3:DeleteObject"]
          }
        }
        data "aws_iam_policy_document" "c" {
          policy_id               = "merged"
          source_policy_documents = [data.aws_iam_policy_document.a.json]
          statement {
            actions = ["sqs:SendMessage"]
            effect  = "Deny"
            not_resources = ["arn:aws:sqs:us-east-1:123456789012:q"]
            principals {
              type        = "AWS"
              identifiers = ["arn:aws:iam::123456789012:root"]
            }
            principals {
              type        = "AWS"
              identifiers = ["arn:aws:iam::210987654321:root"]
            }
            condition {
              test     = "StringEquals"
              variable = "aws:SourceAccount"
              values   = ["123456789012"]
            }
            condition {
              test     = "StringEquals"
              variable = "aws:SourceAccount"
              values   = [var.account]
            }
          }
          override_policy_documents = [data.aws_iam_policy_document.b.json]
        }
    """})
    located = documents(tmp_path, "main.tf", monkeypatch)
    merged = next(d for d in located.documents if d.base == ("data.aws_iam_policy_document.c",))
    assert merged.data == {
        "Version": "2012-10-17", "Id": "merged",
        "Statement": [
            {"Sid": "One", "Effect": "Allow", "Action": ["s3:GetObject"]},
            {"Sid": "Two", "Effect": "Allow", "Action": ["s3:DeleteObject"]},  # overridden in place
            {"Effect": "Deny", "Action": ["sqs:SendMessage"],
             "NotResource": ["arn:aws:sqs:us-east-1:123456789012:q"],
             "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::210987654321:root"]},
             "Condition": {"StringEquals": {"aws:SourceAccount": ["123456789012",
                                                                  {"Fn::Terraform": "var.account"}]}}},
        ]}
    # Positions of merged statements are those of the block that wrote them.
    assert merged.span(("Statement", 1, "Action", 0)).line == 14
    assert merged.span(("Statement", 2, "Principal", "AWS", 1)).line == 30
    assert merged.span(("Statement", 2, "Condition", "StringEquals", "aws:SourceAccount", 1)).line == 40


def test_interpolations_references_and_calls_are_unknown(tmp_path, monkeypatch):
    write(tmp_path, {"main.tf": """\
        resource "aws_iam_policy" "p" {
          policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{
              Effect   = "Allow"
              Action   = ["s3:GetObject", "${var.service}:Get*", local.action, upper("x")]
              Resource = ["arn:aws:s3:::${var.bucket}/*", "arn:aws:s3:::literal/*"]
            }]
          })
        }
    """})
    (document,) = documents(tmp_path, "main.tf", monkeypatch).documents
    statement = document.statements[0]
    assert [i.value for i in statement.actions] == ["s3:GetObject", None, None, None]
    assert [i.value for i in statement.resources] == [None, "arn:aws:s3:::literal/*"]


def test_a_heredoc_keeps_exact_positions_and_its_escapes(tmp_path, monkeypatch):
    write(tmp_path, {"main.tf": """\
        resource "aws_iam_policy" "p" {
          policy = <<-EOT
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::${var.b}/$${aws:username}", "arn:aws:s3:::$${aws:userid}"]}]}
          EOT
        }
    """})
    (document,) = documents(tmp_path, "main.tf", monkeypatch).documents
    statement = document.statements[0]
    assert [i.value for i in statement.resources] == [None, "arn:aws:s3:::${aws:userid}"]
    span = document.span(("Statement", 0, "Resource", 1))
    assert (span.line, span.column, span.end_column) == (4, 88, 117)
    span = document.span(("Statement", 0, "Action"), "key")
    assert (span.line, span.column) == (4, 7)


def test_columns_count_code_points(tmp_path, monkeypatch):
    write(tmp_path, {"main.tf": """\
        resource "aws_iam_policy" "p" {
          policy = jsonencode({ Statement = [{ Sid = "Zürich→東京", Effect = "Allow", Action = "s3:Nope", Resource = "*" }] })
        }
    """})
    assert lint(tmp_path, ["main.tf"], monkeypatch, select=("APL202",)) == ["main.tf:2:86: APL202"]


def test_a_role_with_policies_it_cannot_see_is_incomplete(tmp_path, monkeypatch):
    attachments = {
        "managed ARN": 'resource "aws_iam_role_policy_attachment" "x" {\n  role = aws_iam_role.deploy.name\n'
                       '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n',
        "variable": 'resource "aws_iam_role_policy_attachment" "x" {\n  role = aws_iam_role.deploy.name\n'
                    '  policy_arn = var.policy_arn\n}\n',
        "module output": 'resource "aws_iam_policy_attachment" "x" {\n  roles = [aws_iam_role.deploy.name]\n'
                         '  policy_arn = module.policies.arn\n}\n',
        "managed_policy_arns": 'resource "aws_iam_role" "other" {\n  managed_policy_arns = [var.x]\n}\n',
        "dynamic inline policy": "",
    }
    for name, extra in attachments.items():
        directory = tmp_path / name.replace(" ", "-")
        text = ROLE_WITH_CREATE_APP
        if name == "managed_policy_arns":
            text = text.replace("assume_role_policy = var.trust",
                                "assume_role_policy = var.trust\n  managed_policy_arns = [var.x]")
        if name == "dynamic inline policy":
            text = text.replace("assume_role_policy = var.trust",
                                'assume_role_policy = var.trust\n  dynamic "inline_policy" {\n'
                                '    for_each = var.p\n    content {}\n  }')
        write(directory, {"main.tf": text, "more.tf": extra})
        assert lint(directory, ["main.tf"], monkeypatch, select=("APL302",)) == [], name
    write(tmp_path / "complete", {"main.tf": ROLE_WITH_CREATE_APP})
    assert lint(tmp_path / "complete", ["main.tf"], monkeypatch, select=("APL302",)) == ["main.tf:10:47: APL302"]


def test_a_staged_file_is_judged_with_the_other_files_of_its_directory(tmp_path, monkeypatch):
    write(tmp_path, {"iam/role.tf": ROLE_WITH_CREATE_APP.replace("amplify:CreateApp", "amplify:GetApp"),
                     "iam/grants.tf": """\
        resource "aws_iam_role_policy" "more" {
          role   = aws_iam_role.deploy.id
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })
        }
    """, "iam/create.tf": """\
        resource "aws_iam_role_policy" "create" {
          role   = aws_iam_role.deploy.id
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "amplify:CreateApp", Resource = "*" }] })
        }
    """})
    # Only create.tf staged: grants.tf is read as context, so PassRole is seen; nothing is
    # reported about the context file (its APL303 on Resource "*" stays unreported).
    assert lint(tmp_path, ["iam/create.tf"], monkeypatch, select=("APL302", "APL303")) == []
    assert lint(tmp_path, ["iam/grants.tf"], monkeypatch, select=("APL302", "APL303")) == ["iam/grants.tf:3:67: APL303"]
    (tmp_path / "iam/grants.tf").unlink()
    assert lint(tmp_path, ["iam/create.tf"], monkeypatch, select=("APL302",)) == ["iam/create.tf:3:67: APL302"]


def test_suppressions_in_hcl_comments(tmp_path, monkeypatch):
    write(tmp_path, {"main.tf": """\
        data "aws_iam_policy_document" "d" {
          statement {
            # amplify-policy-lint: disable=APL202 -- a new action the catalog lacks
            actions   = ["s3:Nope"]
            resources = ["*"]
          }
          statement {
            actions   = ["s3:Nada"] // amplify-policy-lint: disable=unknown-action
            resources = ["*"]
          }
          statement {
            sid       = "# amplify-policy-lint: disable=APL202"
            actions   = ["s3:Reported"]
            resources = ["*"]
          }
        }
    """})
    assert lint(tmp_path, ["main.tf"], monkeypatch, select=("APL202",)) == ["main.tf:13:18: APL202"]


def test_a_terraform_file_without_iam_costs_a_substring_search(tmp_path):
    write(tmp_path, {"plain.tf": 'resource "aws_instance" "web" {\n  ami = "ami-123"\n}\n',
                     "iam.tf": 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({})\n}\n'})
    script = ("import sys\nfrom amplify_policy_lint.cli import main\n"
              "code = main([sys.argv[1]])\n"
              "print(json.dumps(sorted(m for m in sys.modules if m.startswith('tree_sitter'))))\n")
    found = {}
    for name in ("plain.tf", "iam.tf"):
        result = subprocess.run([sys.executable, "-c", "import json\n" + script, name], cwd=tmp_path,
                                capture_output=True, text=True, check=False)
        found[name] = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["plain.tf"] == []
    assert "tree_sitter_hcl" in found["iam.tf"]  # the same check can fail


def test_the_pre_commit_hook_receives_terraform_files():
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    identify = pytest.importorskip("identify.identify")
    assert "terraform" in hook["types_or"]
    assert "terraform" in identify.tags_from_filename("main.tf")


def test_tfvars_files_are_not_read(tmp_path, monkeypatch):
    write(tmp_path, {"prod.tfvars": 'policy = <<EOT\n{"Statement": [}\nEOT\n'})
    assert lint(tmp_path, ["prod.tfvars"], monkeypatch) == []


def test_an_independent_parser_reads_the_same_literals():
    """pygohcl (HashiCorp's HCL parser) agrees with every literal value the reader extracts
    from the fixtures (tests/terraform_crosscheck.py runs the same over any directory)."""
    pytest.importorskip("pygohcl")
    from terraform_crosscheck import disagreements

    total = 0
    for path in sorted((ROOT / "fixtures").glob("**/*.tf")):
        checked, problems = disagreements(path)
        assert problems == [], problems
        total += checked
    assert total > 100


def test_the_cross_check_can_fail(tmp_path):
    pytest.importorskip("pygohcl")
    from terraform_crosscheck import compare_values

    assert compare_values("s3:GetObject", "s3:GetObjekt") is False
    assert compare_values(["a", 1], ["a", 1]) is True


def test_a_document_given_to_a_module_is_checked_for_its_actions_only(tmp_path, monkeypatch):
    write(tmp_path, {"main.tf": """\
        data "aws_iam_policy_document" "bucket" {
          statement {
            actions   = ["s3:ListBuckett"]
            resources = ["_BUCKET_ARN_"]
          }
        }
        module "bucket" {
          source = "./bucket"
          policy = data.aws_iam_policy_document.bucket.json
        }
    """})
    assert lint(tmp_path, ["main.tf"], monkeypatch) == ["main.tf:3:18: APL202"]


def test_white_space_inside_quotes_is_kept(tmp_path, monkeypatch):
    write(tmp_path, {"main.tf": """\
        data "aws_iam_policy_document" "d" {
          statement {
            sid       = " padded "
            actions   = ["s3:GetObject"]
            resources = ["arn:aws:s3:::b/\\\\u00e9 "]
          }
        }
    """})
    (document,) = documents(tmp_path, "main.tf", monkeypatch).documents
    assert document.data["Statement"][0]["Sid"] == " padded "
    assert document.data["Statement"][0]["Resource"] == ["arn:aws:s3:::b/\\u00e9 "]


def test_a_document_used_through_an_expression_takes_the_kind_of_that_use(tmp_path, monkeypatch):
    write(tmp_path, {"main.tf": """\
        data "aws_iam_policy_document" "assume" {
          count = length(var.principals)
          statement {
            actions = var.assume_actions
            principals {
              type        = var.principal_type
              identifiers = var.principals
            }
          }
        }
        data "aws_iam_policy_document" "aggregated" {
          override_policy_documents = data.aws_iam_policy_document.assume[*].json
        }
        data "aws_iam_policy_document" "unused" {
          statement {
            actions = var.actions
            principals {
              type        = "AWS"
              identifiers = ["*"]
            }
          }
        }
        resource "aws_iam_role" "r" {
          assume_role_policy = one(data.aws_iam_policy_document.aggregated[*].json)
        }
    """})
    kinds = {d.base[0]: d.kind for d in documents(tmp_path, "main.tf", monkeypatch).documents}
    assert kinds == {"data.aws_iam_policy_document.assume": DocKind.TRUST,
                     "data.aws_iam_policy_document.aggregated": DocKind.TRUST,
                     "data.aws_iam_policy_document.unused": DocKind.UNKNOWN}  # trust or resource?
    assert lint(tmp_path, ["main.tf"], monkeypatch) == []  # no Resource: not an error in either


def test_the_service_role_of_an_amplify_app_is_named_so(tmp_path, monkeypatch):
    write(tmp_path, {"main.tf": """\
        resource "aws_iam_role" "amplify" {
          assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
            Action = "sts:AssumeRole", Principal = { Service = "amplify.amazonaws.com" } }] })
        }
        resource "aws_iam_role_policy" "amplify" {
          role   = aws_iam_role.amplify.name
          policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
            Action = "amplify:CreateApp", Resource = "*" }] })
        }
        resource "aws_amplify_app" "site" {
          name                 = "site"
          iam_service_role_arn = aws_iam_role.amplify.arn
        }
    """})
    located = documents(tmp_path, "main.tf", monkeypatch)
    assert [p.label for p in located.principals] == [
        "aws_iam_role.amplify (the service role of aws_amplify_app.site)"]
    assert located.documents[0].label == "trust policy of aws_iam_role.amplify (the service role of aws_amplify_app.site)"


@pytest.mark.parametrize("statements", [
    'concat([{ Effect = "Allow", Action = "amplify:CreateApp", Resource = "*" }], var.more)',
    '[{ Effect = "Allow", Action = "amplify:CreateApp", Resource = "*" }, local.pass_role_statement]',
    '[{ Effect = "Allow", Action = "amplify:CreateApp", Resource = "*" }, '
    '{ Effect = var.effect, Action = "iam:PassRole", Resource = "*" }]',
])
def test_unknown_statements_in_jsonencode_make_the_role_incomplete(tmp_path, monkeypatch, statements):
    text = ROLE_WITH_CREATE_APP.replace(
        'Statement = [{ Effect = "Allow", Action = "amplify:CreateApp", Resource = "*" }]',
        f"Statement = {statements}")
    write(tmp_path, {"main.tf": text})
    assert lint(tmp_path, ["main.tf"], monkeypatch, select=("APL302",)) == []


def test_a_role_the_module_outputs_is_incomplete(tmp_path, monkeypatch):
    # Whoever uses the module may attach more policies to it.
    write(tmp_path, {"main.tf": ROLE_WITH_CREATE_APP,
                     "outputs.tf": 'output "role_name" {\n  value = aws_iam_role.deploy.name\n}\n'})
    assert lint(tmp_path, ["main.tf"], monkeypatch, select=("APL302",)) == []


def test_a_policy_in_a_local_value_is_read_where_it_is_written(tmp_path, monkeypatch):
    write(tmp_path, {"locals.tf": """\
        locals {
          deploy_policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Action = "amplify:CreateApp", Resource = "*" }]
          })
          loop = local.loop
        }
    """, "main.tf": """\
        resource "aws_iam_role" "deploy" {
          assume_role_policy = var.trust
        }
        resource "aws_iam_role_policy" "deploy" {
          role   = aws_iam_role.deploy.id
          policy = local.deploy_policy
        }
        resource "aws_iam_role_policy" "again" {
          role   = aws_iam_role.deploy.id
          policy = local.loop
        }
    """})
    # local.loop cannot be read: the role is incomplete, so only the typo-free grant is checked.
    assert lint(tmp_path, ["locals.tf", "main.tf"], monkeypatch, select=("APL302",)) == []
    (tmp_path / "main.tf").write_text((tmp_path / "main.tf").read_text().split('resource "aws_iam_role_policy" "again"')[0])
    assert lint(tmp_path, ["main.tf"], monkeypatch, select=("APL302",)) == []  # reported in locals.tf only
    assert lint(tmp_path, ["locals.tf"], monkeypatch, select=("APL302",)) == ["locals.tf:4:47: APL302"]


def test_kind_terraform_reads_a_file_of_another_name_as_hcl(tmp_path, monkeypatch):
    write(tmp_path, {"policy.hcl": """\
        resource "aws_iam_policy" "p" {
          policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:Nope", Resource = "*" }] })
        }
    """})
    assert lint(tmp_path, ["policy.hcl"], monkeypatch) == []  # not a kind it recognises by itself
    assert lint(tmp_path, ["policy.hcl"], monkeypatch, kind="terraform") == ["policy.hcl:2:91: APL202"]


def test_an_interpolation_terraform_rejects_is_a_syntax_error(tmp_path, monkeypatch):
    # IAM's ${aws:username} must be written $${aws:username} in HCL; as written Terraform fails.
    write(tmp_path, {"main.tf": """\
        data "aws_iam_policy_document" "d" {
          statement {
            actions   = ["s3:GetObject"]
            resources = ["arn:aws:s3:::b/${aws:username}/*"]
          }
        }
    """})
    assert lint(tmp_path, ["main.tf"], monkeypatch) == ["main.tf:4:36: APL001"]
