"""APL102: Version absent or the legacy 2008-10-17."""
from __future__ import annotations

from ..context import Context
from ..model import Fix, Rule, Scope, Severity, Violation
from ..policy import PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.bare_statements or not isinstance(document.data, dict):
        return
    version = document.data.get("Version")
    if "Version" not in document.data:
        yield Violation((), variant="missing", part="opening", fix=_version_fix(document))
    elif version == "2008-10-17":
        yield Violation(("Version",), variant="legacy", fix=_version_fix(document))


RULE = Rule(
    id="APL102",
    name="missing-version",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="Version absent or 2008-10-17",
    why=(
        "Without a Version, IAM reads a policy with the 2008-10-17 language, in which policy "
        "variables such as ${aws:username} are not expanded and some newer features are "
        "missing; IAM's CreatePolicy rejects such a document outright. The current language is "
        "2012-10-17."
    ),
    bad='{\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]\n}\n',
    fix='Add "Version": "2012-10-17" as the first element of the document.',
    autofix='safe: adds "Version": "2012-10-17" as the first element of the document, laid out '
            "like the element after it, or replaces 2008-10-17; unsafe when the document holds a "
            "policy variable such as ${aws:username}, which the new Version expands.",
    messages={
        "missing": 'policy document has no Version; add "Version": "2012-10-17"',
        "legacy": 'Version 2008-10-17 is the legacy policy language; use "2012-10-17"',
    },
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html",),
    access_analyzer=("MISSING_VERSION",),
)


def _version_fix(document: PolicyDocument) -> Fix | None:
    from ..edits import version_fix  # a fix is built only for a finding

    return version_fix(document)
