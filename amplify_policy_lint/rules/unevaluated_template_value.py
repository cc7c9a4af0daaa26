"""APL108: a template value that nothing evaluates, so AWS receives it as written.

- ``${AWS::AccountId}`` or ``${Param}`` in a plain string of a CloudFormation template:
  only ``Fn::Sub`` replaces them; elsewhere CloudFormation leaves the text as it is
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html).
- The same in a policy file (uploaded as written) or in an Amplify CLI ``custom-policies.json``
  (the CLI replaces only ``${env}``, and only in Resource, by wrapping that string in
  ``Fn::Sub``: amplify-cli-core ``replaceEnvWithRef``).
- An intrinsic function object (``{"Fn::Sub": ...}``, ``{"Ref": ...}``) in a policy file, or
  inside a policy written as a JSON string (a template's ``PolicyDocument: '{...}'``, a plan's
  ``policy``): nothing evaluates it there, and IAM receives an object where text belongs.

IAM policy variables (``${aws:username}``, ``${*}``) hold a colon or are one character, so
they are never taken for a template reference. Serverless Framework and Terraform plans have
``${...}`` syntaxes of their own and are left alone.
"""
from __future__ import annotations

from .. import regex
from ..context import Context
from ..model import JsonPath, Rule, Scope, Severity, Violation
from ..policy import DYNAMIC_REFERENCE_MASK, PolicyDocument, holds_placeholder, is_intrinsic, statement_list

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

# ${AWS::Region}, ${BucketName}, ${Bucket.Arn}: CloudFormation's names (logical ids and
# parameters are alphanumeric). ${!Literal} is Fn::Sub's escape, text in any case.
_REFERENCE = regex.compile(r"\$\{(AWS::[A-Za-z]+|[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*)\}")
_ENV = "${env}"
# Elements whose ${...} APL110 already reports as "takes no variables" outside custom-policies.
_VALUES = ("Resource", "NotResource", "Condition")
_ALL = _VALUES + ("Action", "NotAction", "Principal", "NotPrincipal")
# Intrinsics whose arguments stay values of the policy: their literal parts are checked.
_DESCEND = ("Fn::Join", "Fn::If", "Fn::Select")


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    container = document.container
    # A policy given as a JSON string (its root is the string's); a template given as a
    # string (a stack set's TemplateBody) is a template all the same.
    source = document.source
    embedded = source.is_embedded and tuple(document.base) == tuple(source.prefix)
    if container in ("serverless", "terraform-plan") and not embedded:
        return
    elements = _ALL if container == "custom-policies" else _VALUES
    # Without a "${" anywhere, no text is a finding: only intrinsic objects are looked for.
    placeholders = document.may_hold_placeholder
    if not placeholders and not document.may_hold_intrinsic:
        return  # neither a "${" nor an intrinsic object anywhere (most policies): nothing to find
    for path, statement in statement_list(document.data):
        if not isinstance(statement, dict):
            continue
        for key, value in statement.items():
            if key not in _ALL:
                continue
            texts = placeholders and key in elements and holds_placeholder(value)
            if not texts and _only_texts(value):
                continue
            yield from _walk(value, tuple(path) + (key,), key, container, embedded, texts)


def _only_texts(value: Any) -> bool:
    """A string, or a list of strings (most Action and Resource values): nothing to walk into."""
    return isinstance(value, str) or isinstance(value, list) and all(isinstance(item, str) for item in value)


def _walk(value: Any, path: JsonPath, key: str, container: str, embedded: bool,
          texts: bool) -> Iterator[Violation]:
    if isinstance(value, str):
        if texts and container != "terraform-plan":
            yield from _text(value, path, key, container)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, path + (index,), key, container, embedded, texts)
        return
    if not isinstance(value, dict):
        return
    if is_intrinsic(value):
        (name, argument), = value.items()
        if name == DYNAMIC_REFERENCE_MASK:
            return  # {{resolve:...}}: CloudFormation fills it in, in strings too
        if container == "policy" or embedded:
            yield Violation(path, {"function": name}, variant="object-string" if embedded else "object",
                            part="opening")
            return
        if container == "custom-policies":
            if key in ("Resource", "Condition"):
                return  # the CLI copies it into the template, where CloudFormation evaluates it
            yield Violation(path, {"function": name, "element": key}, variant="object-custom", part="opening")
            return
        yield from _intrinsic(name, argument, path, key, container, embedded, texts)
        return
    for member, item in value.items():  # a Condition's operators and keys
        if not texts and _only_texts(item):
            continue
        yield from _walk(item, path + (member,), key, container, embedded, texts)


def _intrinsic(name: str, argument: Any, path: JsonPath, key: str, container: str, embedded: bool,
               texts: bool) -> Iterator[Violation]:
    """The literal parts of an intrinsic that CloudFormation passes on as they are: Join's
    pieces, If's branches, Select's list, and the values Fn::Sub substitutes (not its text)."""
    if name in _DESCEND and isinstance(argument, list):
        yield from _walk(argument, path + (name,), key, container, embedded, texts)
    elif name == "Fn::Sub" and isinstance(argument, list) and len(argument) == 2 \
            and isinstance(argument[1], dict):
        for variable, item in argument[1].items():
            yield from _walk(item, path + (name, 1, variable), key, container, embedded, texts)


def _text(text: str, path: JsonPath, key: str, container: str) -> Iterator[Violation]:
    if "${" not in text:
        return
    if container == "custom-policies" and key == "Resource" and _ENV in text:
        return  # the CLI makes the string an Fn::Sub: CloudFormation replaces every ${...}
    found = [m.group(0) for m in _REFERENCE.finditer(text)
             if m.group(0) != _ENV or container != "custom-policies"]
    if not found:
        return
    variant = {"cloudformation": "template", "custom-policies": "custom"}.get(container, "file")
    yield Violation(path, {"value": text, "reference": found[0]}, variant=variant)


RULE = Rule(
    id="APL108",
    name="unevaluated-template-value",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="${AWS::AccountId}, ${Param} or an intrinsic function where nothing evaluates it",
    why=(
        "CloudFormation replaces ${AWS::AccountId} or ${Param} only inside Fn::Sub; in a plain "
        "string it leaves the text as it is, and the policy names a resource that does not "
        "exist (arn:aws:s3:::${BucketName}/*) or an account called ${AWS::AccountId}. A policy "
        "file is uploaded as written, and the Amplify CLI replaces only ${env} in the Resource "
        "of custom-policies.json. An intrinsic function object ({\"Fn::Sub\": ...}) in a policy "
        "file, or inside a policy written as a JSON string, is never evaluated: IAM receives an "
        "object where a string belongs and rejects the policy. IAM policy variables such as "
        "${aws:username} are not template references and are left alone."
    ),
    bad=('Resources:\n  ReadReports:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n'
         '      PolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n'
         '          - Effect: Allow\n            Action: s3:GetObject\n'
         '            Resource: arn:aws:s3:::reports-${AWS::AccountId}/*\n'),
    good=('Resources:\n  ReadReports:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n'
          '      PolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n'
          '          - Effect: Allow\n            Action: s3:GetObject\n'
          '            Resource: !Sub arn:aws:s3:::reports-${AWS::AccountId}/*\n'),
    fix="In a template, wrap the string in Fn::Sub (!Sub 'arn:aws:s3:::${Bucket}/*'), or build it "
        "with Fn::Join and Ref. In a policy file or a policy written as a JSON string, write the "
        "value itself (the account id, the bucket name), or move the policy into the template as "
        "an object so that CloudFormation evaluates it.",
    messages={
        "template": "{value!r} holds {reference}, which only Fn::Sub replaces: CloudFormation "
                    "leaves this string as written",
        "file": "{value!r} holds {reference}, but nothing replaces it in a policy file: IAM "
                "receives the text as written",
        "custom": "{value!r} holds {reference}, but the Amplify CLI replaces only ${{env}}, and only "
                  "in Resource: the function's policy receives the text as written",
        "object": "an intrinsic function ({function}) in a policy file: nothing evaluates it, and "
                  "IAM receives an object where a string belongs",
        "object-string": "an intrinsic function ({function}) inside a policy written as a JSON "
                         "string: CloudFormation does not evaluate it there, and IAM receives an "
                         "object where a string belongs",
        "object-custom": "an intrinsic function ({function}) in the {element} of custom-policies.json: "
                         "the Amplify CLI accepts only strings there",
    },
    check=check,
    example_name="template.yaml",
    references=(
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html",
        "https://docs.amplify.aws/gen1/javascript/tools/cli/function/#access-existing-aws-resource-from-lambda-function",
    ),
)
