"""TypeScript sources (Amplify Gen 2, CDK, Gen 1 override.ts): what becomes a policy, where
each value is, what stays unknown, and whose the statements are."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.inputs.typescript import UNKNOWN, locate, read as read_typescript
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity
from amplify_policy_lint.policy import DocKind
from amplify_policy_lint.treesitter import CodePoints

from conftest import ROOT, run_cli


def read(text: str, name: str = "backend.ts"):
    source, problems = read_typescript(name, textwrap.dedent(text))
    assert problems == []
    return locate(source)


def findings(tmp_path, files: dict[str, str], **settings) -> list[str]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    report = lint_paths([str(tmp_path / name) for name in files],
                        Settings(fail_on=Severity.INFO, **settings))
    assert not report.errors, report.errors
    return [f"{f.file.rsplit('/', 1)[-1]}:{f.span.line}:{f.span.column}: {f.rule.id}" for f in report.findings]


def where(document, path, part="value") -> tuple[int, int]:
    span = document.span(path, part)
    return span.line, span.column


def test_a_statement_attached_with_add_to_role_policy_is_the_document_cdk_renders():
    located = read("""\
        backend.fn.resources.lambda.addToRolePolicy(new iam.PolicyStatement({
          sid: 'Read',
          actions: ['s3:GetObject', "s3:ListBucket", `s3:GetObjectTagging`],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
        }));
        """)
    [document] = located.documents
    assert document.kind is DocKind.IDENTITY and document.container == "typescript"
    assert document.data == {"Version": "2012-10-17", "Statement": [{
        "Sid": "Read", "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetObjectTagging"], "Resource": ["*"],
        "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}, "Effect": "Allow"}]}
    # Every string literal at its opening quote (or backtick); keys at the property name.
    assert where(document, ("Statement", 0, "Action", 0)) == (3, 13)
    assert where(document, ("Statement", 0, "Action", 1)) == (3, 29)
    assert where(document, ("Statement", 0, "Action", 2)) == (3, 46)
    assert where(document, ("Statement", 0, "Action"), "key") == (3, 3)
    assert where(document, ("Statement", 0, "Sid")) == (2, 8)
    assert where(document, ("Statement", 0, "Condition", "StringEquals", "aws:RequestedRegion")) == (5, 56)
    assert where(document, ("Statement", 0, "Condition", "StringEquals", "aws:RequestedRegion"), "key") == (5, 33)
    # What CDK adds (Effect, Version) is not written: it is placed at the statement's opening.
    assert where(document, ("Statement", 0, "Effect")) == (1, 69)
    [principal] = located.principals
    assert principal.label == "the role of backend.fn.resources.lambda" and not principal.complete


def test_columns_count_code_points_not_bytes():
    located = read("const note = 'Zugriff für Größe 🎉';\nrole.addToPolicy(new PolicyStatement({ "
                   "actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bücket/*'] }));\n"
                   "/* ü */ role.addToPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: ['*'] }));\n")
    first, second = located.documents
    assert where(first, ("Statement", 0, "Resource", 0)) == (2, 79)
    assert where(second, ("Statement", 0, "Action", 0)) == (3, 58)


def test_code_points_of_byte_offsets():
    text = "aé🎉b"
    convert = CodePoints(text)
    encoded = text.encode()
    for index in range(len(text) + 1):
        assert convert(len(text[:index].encode())) == index
    assert convert(len(encoded)) == len(text)
    assert CodePoints("plain")(3) == 3


def test_expressions_are_unknown_and_no_rule_guesses_at_them(tmp_path):
    located = read("""\
        const bucketArn = bucket.bucketArn;
        lambda.addToRolePolicy(new PolicyStatement({
          actions: [`s3:${verb}Object`, ...moreActions, 's3:' + 'GetObject'],
          resources: [bucket.bucketArn, `${bucketArn}/*`, Stack.of(this).formatArn({ service: 's3' })],
          effect: pickEffect(),
        }));
        """)
    [document] = located.documents
    statement = document.data["Statement"][0]
    assert all(set(item) == {UNKNOWN} for item in statement["Action"] + statement["Resource"])
    assert statement["Action"][0] == {UNKNOWN: "`s3:${verb}Object`"}
    assert set(statement["Effect"]) == {UNKNOWN}
    assert where(document, ("Statement", 0, "Action", 1)) == (3, 33)
    (tmp_path / "stack.ts").write_text(textwrap.dedent("""\
        lambda.addToRolePolicy(new PolicyStatement({
          actions: [`s3:${verb}Object`, `kms:${x}`],
          resources: [bucket.bucketArn, `${bucket.bucketArn}/*`, `arn:aws:s3:::${name}`],
          conditions: { [key]: value },
        }));
        """))
    report = lint_paths([str(tmp_path / "stack.ts")], Settings(fail_on=Severity.INFO))
    assert report.findings == []


def test_constants_are_followed_to_their_literal():
    located = read("""\
        const READ = ['s3:GetObject', 's3:ListBucket'] as const;
        const TABLE = 'arn:aws:dynamodb:us-east-1:111122223333:table/Orders';
        const statement = new PolicyStatement({ actions: [...READ, 'dynamodb:Query'], resources: [TABLE] });
        role.addToPolicy(statement);
        """)
    [document] = located.documents
    statement = document.data["Statement"][0]
    assert statement["Action"] == ["s3:GetObject", "s3:ListBucket", "dynamodb:Query"]
    assert where(document, ("Statement", 0, "Action", 1)) == (1, 31)
    assert where(document, ("Statement", 0, "Resource", 0)) == (2, 15)


def test_statements_attached_to_the_same_receiver_form_one_principal():
    located = read("""\
        const fnRole = backend.fn.resources.lambda.role;
        backend.fn.resources.lambda.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
        backend.fn.resources.lambda.role?.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: ['*'] }));
        fnRole!.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: ['*'] }));
        backend.auth.resources.groups['ADMINS'].role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
        """)
    assert [tuple(p.name for p in d.principals) for d in located.documents] == [
        ("backend.fn.resources.lambda",)] * 3 + [("backend.auth.resources.groups['ADMINS']",)]
    assert all(not p.complete for p in located.principals)


def test_a_role_created_here_is_complete_only_when_nothing_else_can_add_to_it():
    complete = """\
        const role = new Role(this, 'R', {
          assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
          inlinePolicies: { cleanup: new PolicyDocument({ statements: [new PolicyStatement({ actions: ['s3:ListBucket'], resources: ['*'] })] }) },
        });
        const extra = new PolicyStatement({ resources: ['*'] });
        extra.addActions('s3:GetObject');
        role.addToPolicy(extra);
        role.attachInlinePolicy(new Policy(this, 'P', { statements: [new PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })] }));
        new Policy(this, 'Q', { roles: [role], statements: [new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] })] });
        """
    located = read(complete)
    role = next(p for p in located.principals if p.id.name.startswith("Role@"))
    assert role.complete
    actions = sorted(a for d in located.documents if role.id in d.principals
                     for s in d.data["Statement"] for a in s["Action"])
    assert actions == ["s3:GetObject", "s3:ListBucket", "sns:Publish", "sqs:SendMessage"]
    trust = [d for d in located.documents if d.kind is DocKind.TRUST]
    assert [d.data["Statement"][0]["Principal"] for d in trust] == [{"Service": "lambda.amazonaws.com"}]
    for addition in ("role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'));",
                     "bucket.grantReadWrite(role);",
                     "new lambda.Function(this, 'F', { role, runtime, handler, code });",
                     "extra.addCondition('Bool', { 'aws:SecureTransport': 'true' }); someHelper(extra);",
                     "role.addToPolicy(makeStatement());"):
        located = read(complete + addition)
        role = next(p for p in located.principals if p.id.name.startswith("Role@"))
        assert not role.complete, addition
    for changed in (complete.replace("const role", "export const role"),
                    complete.replace("const role", "let role"),
                    complete.replace("assumedBy:", "managedPolicies: [policy], assumedBy:")):
        located = read(changed)
        role = next(p for p in located.principals if p.id.name.startswith("Role@"))
        assert not role.complete


def test_trust_policies_from_assumed_by():
    located = read("""\
        new Role(this, 'A', { assumedBy: new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com', {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:1234' } }) });
        new Role(this, 'B', { assumedBy: new iam.AccountRootPrincipal() });
        new Role(this, 'C', { assumedBy: new iam.OrganizationPrincipal('o-abc123') });
        new Role(this, 'D', { assumedBy: someConstruct.grantPrincipal });
        """)
    statements = [d.data["Statement"][0] for d in located.documents]
    assert [d.kind for d in located.documents] == [DocKind.TRUST] * 4
    assert statements[0]["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
    assert statements[0]["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statements[0]["Condition"] == {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:1234"}}
    assert statements[1]["Principal"]["AWS"]["Fn::Join"][1][3] == {"Ref": "AWS::AccountId"}
    assert statements[2]["Principal"] == {"AWS": "*"}
    assert statements[2]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
    assert set(statements[3]["Principal"]) == {UNKNOWN}


def test_from_json_and_gen1_cloudformation_shapes():
    located = read("""\
        const doc = iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
        role.addToPolicy(PolicyStatement.fromJson({ Effect: 'Deny', NotAction: ['iam:*'], Resource: ['*'] }));
        resources.authRole.addPropertyOverride('AssumeRolePolicyDocument', {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' },
                        Action: 'sts:AssumeRoleWithWebIdentity' }] });
        new iam.CfnPolicy(this, 'P', { policyName: 'p', roles: [roleName], policyDocument: {
          Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] } });
        """)
    kinds = [(d.label, d.kind) for d in located.documents]
    assert kinds == [("PolicyStatement.fromJson at line 3", DocKind.IDENTITY),
                     ("AssumeRolePolicyDocument override at line 4", DocKind.TRUST),
                     ("policyDocument at line 8", DocKind.IDENTITY),
                     ("PolicyDocument.fromJson at line 1", DocKind.IDENTITY)]
    assert located.documents[1].data["Statement"][0]["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
    assert "Version" not in located.documents[2].data  # as written: APL102 reports it


def test_suppression_comments(tmp_path):
    files = {"backend.ts": """\
        role.addToPolicy(new PolicyStatement({
          actions: ['s3:GetObjekt'], // amplify-policy-lint: disable=APL202 -- a typo we keep for the demo
          resources: ['*'],
        }));
        role.addToPolicy(new PolicyStatement({
          // amplify-policy-lint: disable=unknown-action
          // amplify-policy-lint: disable=APL106
          actions: ['s3:PutObjekt'], resources: ['bucket'],
        }));
        role.addToPolicy(new PolicyStatement({ actions: ['s3:ListObjekts'], resources: ['*'] }));
        const text = '// amplify-policy-lint: disable=APL202';
        role.addToPolicy(new PolicyStatement({ actions: ['s3:ListObjekts'], resources: ['*'] })); /* amplify-policy-lint: disable=APL202 */
        """}
    # A string is no comment; only line comments are directives.
    assert findings(tmp_path, files) == ["backend.ts:10:50: APL202", "backend.ts:12:50: APL202"]


def test_kind_typescript_and_files_that_are_not_read(tmp_path):
    (tmp_path / "app.ts").write_text("role.addToPolicy(new PolicyStatement({ actions: ['s3:GetObjekt'], resources: ['*'] }));\n")
    (tmp_path / "app.js").write_text("role.addToPolicy(new PolicyStatement({ actions: ['s3:GetObjekt'], resources: ['*'] }));\n")
    (tmp_path / "types.d.ts").write_text("export declare class PolicyStatement { addActions(...a: string[]): void }\n")
    (tmp_path / "plain.ts").write_text("export const add = (a: number, b: number) => a + b;\n")
    (tmp_path / "script.txt").write_text("role.addToPolicy(new PolicyStatement({ actions: ['s3:GetObjekt'] }));\n")
    report = lint_paths([str(tmp_path)], Settings())
    # app.js is what tsc compiled from app.ts beside it; declarations hold no values.
    assert [f.file.rsplit("/", 1)[-1] for f in report.findings] == ["app.ts"]
    assert report.files_checked == 1 and report.files_skipped == 1
    forced = lint_paths([str(tmp_path / "script.txt")], Settings(kind="typescript"))
    # Read as TypeScript whatever its name; the statement lacks Resource.
    assert [(f.rule.id, f.span.column) for f in forced.findings] == [("APL101", 38), ("APL202", 50)]


def test_a_file_without_markers_does_not_import_tree_sitter(tmp_path):
    for index in range(3):
        (tmp_path / f"util{index}.ts").write_text("export function add(a: number, b: number) { return a + b; }\n")
    script = textwrap.dedent(f"""\
        import sys
        from amplify_policy_lint.cli import main
        code = main([{str(tmp_path)!r}])
        heavy = sorted(m for m in sys.modules if m.startswith(("tree_sitter", "amplify_policy_lint.inputs.typescript")))
        print(code, heavy)
        """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.split("\n")[-2] == "0 []", result.stdout + result.stderr


def test_json_output_and_cli(tmp_path):
    (tmp_path / "backend.ts").write_text(
        "backend.fn.resources.lambda.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObjekt'], resources: ['*'] }));\n")
    result = run_cli("--format", "json", tmp_path / "backend.ts")
    assert result.code == 1, result.err
    [finding] = json.loads(result.out)["findings"]
    assert (finding["line"], finding["column"], finding["end_column"]) == (1, 77, 91)
    assert finding["json_path"] == [0, "Statement", 0, "Action", 0]


@pytest.mark.parametrize("text", ["", "new PolicyStatement(", "role.addToPolicy(new PolicyStatement({ actions: [",
                                  "new PolicyStatement({ ...base, actions: ['s3:GetObject'] })",
                                  "new Role(this, 'R', { assumedBy: new ServicePrincipal() })",
                                  "x.Statement.push(1, 'a', {})", "r.addPropertyOverride('PolicyDocument', 3)",
                                  "new tasks.CallAwsService(this, 'T', { service: s, action: 'getItem', iamResources: [] })",
                                  "const a = b; const b = a; a.addToPolicy(new PolicyStatement({ actions: ['s3:x'] }))"])
def test_partial_and_odd_code_never_crashes(text):
    read_typescript("odd.ts", text)


def test_gen1_assignments_of_a_policy_document():
    located = read("""\
        export function override(resources: AmplifyS3ResourceTemplate) {
          resources.s3AuthPrivatePolicy.policyDocument = {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: `${resources.s3Bucket.attrArn}/*` }],
          };
          resources.authRole.assumeRolePolicyDocument = { Version: '2012-10-17', Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
          resources.unauthRole.assumeRolePolicyDocument = { Version: '2012-10-17', Statement: [] };  // filled elsewhere
        }
        """)
    identity, trust = located.documents
    assert identity.kind is DocKind.IDENTITY and identity.data["Statement"][0]["Action"] == ["s3:GetObject"]
    assert [p.name for p in identity.principals] == ["resources.s3AuthPrivatePolicy"]
    assert trust.kind is DocKind.TRUST and trust.principals == ()
    assert where(identity, ("Statement", 0, "Action", 0)) == (4, 45)


def test_names_follow_their_own_scope():
    """The same const name in two functions (or shadowed by a parameter) is two bindings:
    each statement gets its own changes, and a parameter named like a role is not that role."""
    located = read("""\
        function reader(role: iam.IRole) {
          const statement = new PolicyStatement({ resources: ['*'] });
          statement.addActions('s3:GetObject');
          role.addToPrincipalPolicy(statement);
        }
        function writer(role: iam.IRole) {
          const statement = new PolicyStatement({ resources: ['*'] });
          statement.addActions('s3:PutObject');
          role.addToPrincipalPolicy(statement);
        }
        const role = new Role(this, 'R', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
        role.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
        function unrelated(role: string) { return role.length; }
        """)
    identity = [d for d in located.documents if d.kind is DocKind.IDENTITY]
    assert [d.data["Statement"][0]["Action"] for d in identity] == [["s3:GetObject"], ["s3:PutObject"], ["sqs:SendMessage"]]
    created = next(p for p in located.principals if p.id.name.startswith("Role@"))
    assert created.complete  # the parameters named role are other names
    assert [p.name for p in identity[0].principals] == ["role"] and not identity[2].principals == identity[0].principals


def test_what_the_file_does_not_show_is_not_judged(tmp_path):
    """Library-style code: a PolicyDocument filled in by methods elsewhere, a Statement list
    filled in later, a CallAwsService built from spread props, another library's
    PolicyStatement (Cedar), a statement pushed into a bucket policy, a Principal known only
    when the app runs. None of these is a finding."""
    files = {"lib.ts": """\
        export class Holder {
          readonly document = new PolicyDocument();
          readonly raw = { PolicyDocument: { Version: '2012-10-17', Statement: [] } };
          task(scope: Construct, id: string, props: CallAwsServiceProps) {
            return new CallAwsService(scope, id, { ...props, queryLanguage: 'JSONATA' });
          }
          cedar() {
            return new PolicyStatement({ effect: PolicyEffect.PERMIT, principal: PolicyPrincipal.any() });
          }
          async deny(bucket: string, policy: any) {
            policy.Statement.push({ Principal: '*', Effect: 'Deny', Action: ['s3:PutObject'], Resource: [`arn:aws:s3:::${bucket}/*`] });
          }
          trust(role: Role, base: IPrincipal) {
            role.assumeRolePolicy?.addStatements(new PolicyStatement({
              actions: ['sts:AssumeRole'], principals: [flag ? base.withConditions({ Bool: { x: 'true' } }) : base] }));
          }
        }
        """}
    assert findings(tmp_path, files) == []


def test_api_gateway_resource_policies_are_left_alone(tmp_path):
    files = {"api.ts": """\
        const api = new apigw.RestApi(this, 'Api', {
          policy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({
            principals: [new iam.AnyPrincipal()], actions: ['execute-api:Invoke'], resources: ['execute-api:/*'] })] }),
        });
        api.addToResourcePolicy(new iam.PolicyStatement({
          principals: [new iam.AccountPrincipal('111122223333')], actions: ['execute-api:Invoke'],
          resources: ['execute-api:/prod/GET/items'],
          conditions: { StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } } }));
        """}
    assert findings(tmp_path, files) == []


def test_per_file_ignores_name_typescript_paths(tmp_path):
    (tmp_path / "amplify").mkdir()
    (tmp_path / "amplify" / "backend.ts").write_text(
        "backend.fn.resources.lambda.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObjekt'], resources: ['*'] }));\n")
    (tmp_path / ".amplify-policy-lint.yaml").write_text('per-file-ignores:\n  "amplify/*.ts": [APL202]\n')
    result = run_cli("amplify/backend.ts", cwd=tmp_path)
    assert result.code == 0 and "1 suppressed (1 per-file-ignores)" in result.err + result.out
