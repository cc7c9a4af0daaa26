"""How each rule is classified for code-scanning tools, derived in one place from its id.

GitHub code scanning reads two properties of a SARIF rule: ``tags`` (shown as filters; a rule
tagged ``security`` raises security alerts) and ``security-severity`` (a CVSS-like score,
``"0.1"``-``"10.0"``, which GitHub shows as low < 4.0 <= medium < 7.0 <= high < 9.0 <= critical,
and reads only for rules tagged ``security``).

- The group (the id's first digit, DESIGN.md sections 6 and 12) gives a tag: ``input``,
  ``grammar``, ``catalog``, ``role-passing``, ``exposure``, ``simplification``, ``meta``.
- Security rules are those that report a policy granting more than its author likely meant:
  every exposure-and-trust rule (APL4xx) and the PassRole grants of APL303/APL304 (privilege
  escalation through passing any role). They are tagged ``security`` with a CWE; all other
  rules report what breaks a deployment or a run and are tagged ``correctness``
  (``maintainability`` for suggestions and meta findings).
- The security severity follows the rule's default severity: for security rules error 8.1
  (high), warning 6.1 (medium), info 3.1 (low); other rules score lower (error 4.0, warning
  2.0, info 1.0), for viewers other than GitHub that read the value whatever the tags.
"""
from __future__ import annotations

from .model import Rule, Severity

GROUPS = {"0": "input", "1": "grammar", "2": "catalog", "3": "role-passing", "4": "exposure",
          "5": "simplification", "9": "meta"}
# Rules outside the exposure group that report grants beyond intent, with their CWE.
SECURITY_RULES = {"APL303": "external/cwe/cwe-269", "APL304": "external/cwe/cwe-269"}
EXPOSURE_CWE = "external/cwe/cwe-732"
_SECURITY_SCORES = {Severity.ERROR: "8.1", Severity.WARNING: "6.1", Severity.INFO: "3.1"}
_OTHER_SCORES = {Severity.ERROR: "4.0", Severity.WARNING: "2.0", Severity.INFO: "1.0"}


def group(rule: Rule) -> str:
    return GROUPS.get(rule.id[3:4], "other")


def is_security(rule: Rule) -> bool:
    return group(rule) == "exposure" or rule.id in SECURITY_RULES


def tags(rule: Rule) -> list[str]:
    if is_security(rule):
        return ["security", "iam", group(rule), SECURITY_RULES.get(rule.id, EXPOSURE_CWE)]
    kind = "maintainability" if group(rule) in ("simplification", "meta") else "correctness"
    return [kind, "iam", group(rule)]


def security_severity(rule: Rule) -> str:
    return (_SECURITY_SCORES if is_security(rule) else _OTHER_SCORES)[rule.severity]
