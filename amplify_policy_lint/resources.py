"""Resources: the one place that reads ARNs and decides what a ``Resource`` entry can name.

* :func:`parse_arn` splits an ARN into partition, service, region, account and resource
  (resource type and id); a part that holds a policy variable (``${aws:username}``) or a
  CloudFormation ``${...}`` is unknown text, and an entry that is not a string (an
  intrinsic function) is no :class:`Arn` at all: whoever asks stays quiet about it.
* :func:`check_resource` is IAM's own check of an entry when a policy is created (APL106).
* :func:`patterns_overlap` / :func:`arn_patterns_overlap` decide whether two IAM wildcard
  patterns (two entries, or an entry and an ARN format with its ``${...}`` as ``*``) can
  match a common ARN, field by field.
* :class:`ResourceMatcher` (one per catalog, ``catalog.resources``) compares an entry with
  the catalog's ARN formats of an action's resource types: :meth:`ResourceMatcher.fits`
  (may the entry name a resource of the action), :meth:`ResourceMatcher.surely_misfits`
  (it surely names none, trusted enough to report, APL205).
* :func:`reaches` answers for a statement's ``Resource`` element whether it may name a
  resource of an action (APL302-APL304), and :func:`names_every_resource` whether an entry
  is every resource (APL403).

Matching never uses a regular expression built from the file's text: every walk is over
pairs of positions, O(len(a) * len(b)) at worst, and each answer is remembered.
"""
from __future__ import annotations


from . import limits, regex, wildcard
from .caching import lru_cache
from .records import NamedTuple, Record
from .wildcard import has_wildcard

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterable, Iterator
    from .catalog import ActionInfo, Catalog, ResourceType
    from .policy import Statement


# -- ARNs as written --------------------------------------------------------------------------


class Arn(Record):
    """An ARN (or ARN pattern) split into its six fields, as written.

    ``resource`` is everything after the fifth colon (it may hold colons of its own);
    ``resource_type`` is its part before the first "/" or ":" (``role`` of ``role/x``,
    ``table`` of ``table/t/index/i``), ``resource_id`` the rest. ``variables`` says whether
    the text holds ``${...}`` (a policy variable or a CloudFormation substitution): those
    parts are unknown text.
    """

    partition: str
    service: str
    region: str
    account: str
    resource: str
    variables: bool = False
    head: str = "arn"  # the first field as written ("arn", or a wildcard pattern of it)

    @property
    def fields(self) -> tuple[str, str, str, str, str, str]:
        return (self.head, self.partition, self.service, self.region, self.account, self.resource)

    @property
    def resource_type(self) -> str:
        return _RESOURCE_SPLIT.split(self.resource, 1)[0]

    @property
    def resource_id(self) -> str:
        parts = _RESOURCE_SPLIT.split(self.resource, 1)
        return parts[1] if len(parts) > 1 else ""

    @property
    def concrete_account(self) -> str | None:
        """The account as a literal 12-digit id, else None."""
        account = self.account
        return account if len(account) == 12 and account.isdigit() else None


_RESOURCE_SPLIT = regex.compile(r"[/:]")


def parse_arn(value: Any, head: str | None = "arn") -> Arn | None:
    """``value`` split into six fields, or None when it is not a string of six fields. With
    ``head=None`` the first field is not required to be ``arn`` (a pattern such as
    ``*:aws:s3:::b`` is split all the same)."""
    if not isinstance(value, str):
        return None
    parts = value.split(":", 5)
    if len(parts) != 6 or (head is not None and parts[0] != head):
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5], "${" in value, parts[0])


def arn_service(value: Any) -> str | None:
    """The service field of an ARN-like text (its third ``:``-separated field), if it has one."""
    if not isinstance(value, str):
        return None
    fields = value.split(":", 3)
    return fields[2] if len(fields) > 2 else None


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
# IAM ARNs never carry a region; S3 bucket and object ARNs (no account) do not either,
# while access points, jobs and access grants (with an account) do. IAM rejects the others.
# The IAM resource types: those IAM's MalformedPolicyDocument message lists, the newer ones
# in the Service Authorization Reference (assumed-role, delegation-request, role-template),
# and the account root, which AWS managed policies name as a resource.
IAM_RESOURCE_PREFIXES = (
    "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
    "server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/",
    "report/", "access-report/", "assumed-role/", "delegation-request/", "role-template/",
    "root",
)
# No "{" inside: from each "${" the scan stops at the next "{", so a text of many "${" without
# "}" is read in linear time ([^}]* made it quadratic: a 1 MB Resource took minutes).
_VARIABLE = regex.compile(r"\$\{[^{}]*\}")


class ArnProblem(NamedTuple):
    message: str
    rejected: bool  # True: IAM refuses the policy; False: accepted but matches nothing


_PARTITION_SET = frozenset(PARTITIONS)


def check_resource(resource: str) -> ArnProblem | None:
    """The problem IAM has with ``resource`` (a Resource/NotResource entry), if any."""
    # The entries almost every policy writes pass every test below, and a policy may list
    # hundreds of thousands, all different: an ARN of a known partition with six fields and
    # no variable, of a service other than IAM, and no S3 ARN with a region but no account.
    if "${" not in resource and (resource.startswith(_plain_prefix) or _plain_arn(resource)):
        return None
    return _check_resource(resource)


# The first five fields (with their colons) of the last entry _plain_arn passed: its answer
# depends on them alone, and long lists repeat them. (Its start value passes too.)
_plain_prefix = "arn:aws:s3:::"


def _plain_arn(resource: str) -> bool:
    """Whether ``resource`` starts ``arn:PARTITION:SERVICE:REGION:ACCOUNT:`` with a known partition,
    a service other than IAM, and for S3 no region without an account: split in C (a regular
    expression would import re on the path of every policy)."""
    global _plain_prefix
    fields = resource.split(":", 5)
    if len(fields) < 6 or fields[0] != "arn" or fields[1] not in _PARTITION_SET:
        return False
    service = fields[2]
    if service == "s3":
        plain = fields[3] == "" or fields[4] != ""
    else:
        plain = service != "" and service != "iam"
    if plain:
        _plain_prefix = resource[:len(resource) - len(fields[5])]
    return plain


@lru_cache(maxsize=4096)
def _check_resource(resource: str) -> ArnProblem | None:
    # Remembered: APL106 and APL205 ask about the same entries, and policies repeat them.
    if resource == "*":
        return None
    text = _VARIABLE.sub("x", resource)  # ${aws:username} holds a colon of its own
    if ":" not in text:
        return ArnProblem("is not an ARN or \"*\"", True)
    parts = text.split(":")
    if parts[0] != "arn":
        return ArnProblem("does not start with \"arn:\"", True)
    partition = parts[1]
    if partition not in PARTITIONS and not has_wildcard(partition):
        return ArnProblem(f"has unknown partition {partition!r} (expected one of {', '.join(PARTITIONS)})", True)
    if len(parts) < 3:
        return ArnProblem("has no service", True)
    service = parts[2]
    if not service:
        return ArnProblem("has an empty service", True)
    if len(parts) < 6 and "::" in text:
        return ArnProblem("has fewer than six parts (arn:partition:service:region:account:resource)", True)
    if service == "iam" and len(parts) > 3 and parts[3]:
        return ArnProblem(f"has region {parts[3]!r}, but IAM ARNs have none", True)
    if service == "s3" and len(parts) > 4 and parts[3] and not parts[4]:
        return ArnProblem(f"has region {parts[3]!r}, but S3 bucket ARNs have none", True)
    if len(parts) < 6:
        return ArnProblem("has fewer than six parts (arn:partition:service:region:account:resource), "
                          "so it matches no resource", False)
    if service == "iam":
        path = ":".join(parts[5:])
        if not _iam_path_ok(path):
            return ArnProblem("names no IAM resource type (user/, role/, group/, policy/, ...)", True)
    return None


def _iam_path_ok(path: str) -> bool:
    # With a wildcard before the type is complete, any type may match: accept it.
    cut = min((i for i in (path.find("*"), path.find("?")) if i >= 0), default=-1)
    if cut >= 0:
        head = path[:cut]
        return any(prefix.startswith(head) or head.startswith(prefix) for prefix in IAM_RESOURCE_PREFIXES)
    return path.startswith(IAM_RESOURCE_PREFIXES)


# -- the fields of an ARN against the catalog's formats ----------------------------------------

# An account field AWS writes for its own resources (arn:aws:iam::aws:policy/...).
_AWS_OWNED_ACCOUNT = "aws"
# The shapes of a Region code and an account id, here because aws_formats (which asks them
# too) reads PARTITIONS from this module (importing it back would make a cycle).
_DIRECTIONS = frozenset({"north", "south", "east", "west", "central", "northeast", "northwest", "southeast",
                         "southwest"})


def region_shape(text: str) -> bool:
    """Whether ``text`` has a Region code's shape: [a-z]{2,4}(-[a-z]+)?-DIRECTION-[0-9]{1,2}, as
    str tests (a regular expression would import re on the path of every policy with an ARN)."""
    parts = text.split("-")
    if len(parts) == 4:
        prefix, middle, direction, number = parts
        if not (middle.isascii() and middle.isalpha() and middle.islower()):
            return False
    elif len(parts) == 3:
        prefix, direction, number = parts
    else:
        return False
    return (2 <= len(prefix) <= 4 and prefix.isascii() and prefix.isalpha() and prefix.islower()
            and direction in _DIRECTIONS and 1 <= len(number) <= 2 and number.isascii() and number.isdigit())


def account_id_shape(text: str) -> bool:
    """Whether ``text`` is twelve digits (0-9)."""
    return len(text) == 12 and text.isascii() and text.isdigit()


class FieldProblem(NamedTuple):
    code: str  # the Access Analyzer issue code
    message: str  # what is wrong, after "resource '...' "


def arn_field_problems(resource: str, matcher: "ResourceMatcher") -> tuple[FieldProblem, ...]:
    """The fields of an ARN that IAM accepts but no resource of its service can have:

    * the service is not in the catalog (INVALID_SERVICE) or not written in lower case
      (INVALID_ARN_SERVICE_CASE);
    * the resource part fits no ARN format of the service (INVALID_ARN_RESOURCE);
    * against the formats the resource part fits, when they all agree: a region or account
      where they have none (ARN_REGION_NOT_ALLOWED, ARN_ACCOUNT_NOT_ALLOWED), none where they
      all have one (MISSING_ARN_REGION, MISSING_ARN_ACCOUNT), or a value of the wrong form
      (INVALID_ARN_REGION: not a Region code; INVALID_ARN_ACCOUNT: not 12 digits).

    A field with a wildcard or a variable may be anything and is not judged; an entry IAM
    itself rejects is :func:`check_resource`'s (APL106).
    """
    last = matcher._last_arn
    if last is not None and resource.startswith(last[0]) and "${" not in resource \
            and len(resource) <= limits.MAX_ARN_CHARS:
        # The first five fields of the previous entry, which passed check_resource's plain
        # ARN test on them alone (that test reads nothing further), and their answers so far.
        prefix, lower, region, account, found = last
        written = resource[len(prefix):]
    else:
        if len(resource) > limits.MAX_ARN_CHARS or check_resource(resource) is not None:
            return ()
        # A variable (or a CloudFormation ${AWS::AccountId} left outside Fn::Sub) may be any text.
        parts = (wildcard.variables_as_stars(resource) if "${" in resource else resource).split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return ()
        _, _, service, region, account, written = parts
        if not service or "*" in service or "?" in service:
            return ()
        lower = service.lower()
        if not matcher.has_service(lower):
            if matcher.names_arn_namespace(lower):
                return ()  # a namespace of another service's ARNs (Service Catalog's "catalog")
            return (FieldProblem("INVALID_SERVICE", f"names service {service!r}, which no ARN format of the "
                                                    "catalog has"),)
        found = ()
        if service != lower:
            found = (FieldProblem("INVALID_ARN_SERVICE_CASE",
                                  f"writes the service as {service!r}; ARNs name it in lower case, {lower!r}"),)
        if "${" not in resource and _plain_arn(resource):
            # Long lists repeat the first five fields: the next entry that starts with them
            # skips the above.
            matcher._last_arn = (resource[:len(resource) - len(written)], lower, region, account, found)
    resource_part = written.lower()
    formats = matcher.formats_fitting(lower, resource_part)
    if formats is None or (resource_part and not resource_part.strip("*")):  # (wildcard.matches_everything)
        return found
    if not formats:
        misspelt = _misspelt_type(written, matcher.formats_fitting(lower, "*") or ())
        if misspelt is not None:
            found += (FieldProblem("INVALID_ARN_RESOURCE",
                                   f"names resource type {misspelt[0]!r}, which {lower} does not have; "
                                   f"did you mean {misspelt[1]!r}?"),)
        return found
    # What the region and account get is the same for every entry of the same service, region,
    # account and fitting formats (and whether AWS may own the resource): a long list of one
    # kind of ARN asks it once.
    key = (lower, region, account, formats)
    answers = matcher._field_answers.get(key)
    if answers is None:
        answers = matcher._field_answers[key] = _field_answers(lower, region, account, formats)
    fields = answers[1] if len(answers) > 1 and _aws_owned(written) else answers[0]
    last = matcher._last_arn
    if (last is not None and resource.startswith(last[0]) and "${" not in resource and len(resource_part) > 1
            and resource_part.find("*") == len(resource_part) - 1 and "?" not in resource_part
            and ":" not in resource_part):
        # A plain entry with a one-piece resource part that formats_fitting answered by its
        # first characters: the next entry with the same first five fields whose resource part
        # gets the same formats there gets these answers (ResourceMatcher.field_problems).
        matcher._last_answer = (last[0], matcher._first_groups(lower), matcher._one_piece[lower].get(""),
                                formats, answers, found, lower)
    return found + fields if found else fields


def _quick_answer(quick: tuple[Any, ...], resource: str) -> tuple[FieldProblem, ...] | None:
    """The answers of ``resource`` when the entry before it (``quick``: what the end of
    arn_field_problems remembered) had the same first five fields and a resource part of one
    piece ending in "*", and this one's is such a piece too that fits the same formats; None
    when that is not so (the entry is then asked in full)."""
    if not resource.startswith(quick[0]) or "${" in resource or len(resource) > limits.MAX_ARN_CHARS:
        return None
    written = resource[len(quick[0]):]
    part = written.lower()
    if len(part) > 1 and part.find("*") == len(part) - 1 and "?" not in part and ":" not in part:
        group = quick[1].get(part[0], quick[2])
        if group is not None and group[0].get(part[:-1][:group[1]]) is quick[3]:
            answers = quick[4]
            fields = answers[1] if len(answers) > 1 and _aws_owned(written) else answers[0]
            return quick[5] + fields if quick[5] else fields
    return None


def _field_answers(service: str, region: str, account: str,
                   formats: tuple[_ArnTemplate, ...]) -> tuple[tuple[FieldProblem, ...], ...]:
    """The region's and account's problems against the formats: for a resource AWS cannot own,
    and (where it matters: no account, where every format has one) for one it may own."""
    regions, accounts = [t.fields[3] for t in formats], [t.fields[4] for t in formats]
    owned_matters = not account and all(e is None for e in accounts)
    return tuple(tuple(_region_problems(region, regions, service) + _account_problems(account, accounts, service, owned))
                 for owned in ((False, True) if owned_matters else (False,)))


_TYPE_HEAD = regex.compile(r"[^/:$*?]*")


def _misspelt_type(resource: str, formats: tuple[_ArnTemplate, ...]) -> tuple[str, str] | None:
    """(written type, closest real type) when the resource part starts with a literal resource
    type that no format of the service has but one is a near miss of (``tabel/Books``). The
    catalog does not list every form AWS accepts, so a type that resembles none is not judged."""
    from difflib import get_close_matches  # only a near miss needs it

    head = _TYPE_HEAD.match(resource).group()
    rest = resource[len(head):]
    if len(head) < 3 or not rest or rest[0] not in "/:":
        return None
    heads = {}
    for template in formats:
        source = template.source.split(":", 5)[5]
        real = _TYPE_HEAD.match(source).group()
        if real and source[len(real):len(real) + 1] in ("/", ":"):
            heads[real.lower()] = real
    if head.lower() in heads:
        return None
    close = get_close_matches(head.lower(), list(heads), n=1, cutoff=0.8)
    return (head, heads[close[0]]) if close else None


def _aws_owned(resource: str) -> bool:
    """A resource AWS owns and shares, whose ARN has no account: SSM documents and public
    parameters (document/AWS-RunShellScript, parameter/aws/service/...), Resource Explorer's
    service views (view/AWSServiceView...), as AWS's own managed policies name them; or a name
    starting with a wildcard, which may be one of those."""
    name = _RESOURCE_SPLIT.split(resource, 1)[-1].lstrip("/").lower()
    return name.startswith(("aws", "amazon", "*", "?"))


def _judged(field: str) -> bool:
    return not has_wildcard(field) and "${" not in field


def _region_problems(region: str, expected: list, service: str) -> list[FieldProblem]:
    if not _judged(region):
        return []
    if region and all(e == "" for e in expected):
        return [FieldProblem("ARN_REGION_NOT_ALLOWED", f"has region {region!r}, but {service} ARNs of this "
                                                       "type have none: leave the field empty")]
    if not region and all(e == "${}" for e in expected):
        return [FieldProblem("MISSING_ARN_REGION", f"has no region, but {service} ARNs of this type have one: "
                                                   "write it, or * for any")]
    if region and any(e == "${}" for e in expected) and not region_shape(region):
        return [FieldProblem("INVALID_ARN_REGION", f"has region {region!r}, which is no Region code "
                                                   "(us-east-1, eu-west-3, ...)")]
    return []


def _account_problems(account: str, expected: list, service: str, owned: bool) -> list[FieldProblem]:
    if not _judged(account) or account == _AWS_OWNED_ACCOUNT:
        return []
    if account and all(e == "" for e in expected):
        return [FieldProblem("ARN_ACCOUNT_NOT_ALLOWED", f"has account {account!r}, but {service} ARNs of this "
                                                        "type have none: leave the field empty")]
    if not account and all(e is None for e in expected) and not owned:
        return [FieldProblem("MISSING_ARN_ACCOUNT", f"has no account, but {service} ARNs of this type have one: "
                                                    "write the 12-digit id, or * for any")]
    if account and any(e is None for e in expected) and not account_id_shape(account):
        return [FieldProblem("INVALID_ARN_ACCOUNT", f"has account {account!r}; an account id is 12 digits")]
    return []


# -- wildcard patterns against each other ---------------------------------------------------

# Above this many states the comparison gives up and answers "they overlap" (quiet).
_MAX_STATES = 250_000


def patterns_overlap(a: str, b: str) -> bool:
    """Whether some text matches both IAM wildcard patterns (case-sensitive, as ARNs are)."""
    if not (wildcard.has_wildcard(a) or wildcard.has_wildcard(b)):
        return a == b  # the common case (two app ids), without the walk
    if (a and not a.strip("*")) or (b and not b.strip("*")):
        return True  # one matches every text (a ${Region} of a format), the other some
    n, m = len(a), len(b)
    if (n + 1) * (m + 1) > _MAX_STATES:
        return True
    head_a, head_b = wildcard.literal_head(a), wildcard.literal_head(b)
    if not (head_a.startswith(head_b) or head_b.startswith(head_a)):
        return False  # a text of both starts with both
    seen = set()
    stack = [(0, 0)]
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
            stack.append((i + 1, j))  # the star matches nothing more
            if cb is not None and cb != "*":
                stack.append((i, j + 1))  # the star takes the character b produces
        if cb == "*":
            stack.append((i, j + 1))
            if ca is not None and ca != "*":
                stack.append((i + 1, j))
        if ca is not None and cb is not None and ca != "*" and cb != "*":
            if ca == cb or ca == "?" or cb == "?":
                stack.append((i + 1, j + 1))
    return False


def arn_patterns_overlap(a: str, b: str) -> bool:
    """Whether two ARN patterns can name a common resource, field by field: a wildcard in the
    partition, service, region or account stays within its field (the resource part, which may
    hold colons, is compared as a whole). Patterns that are not six fields are compared whole."""
    fields_a, fields_b = a.split(":", 5), b.split(":", 5)
    if len(fields_a) != 6 or len(fields_b) != 6:
        return patterns_overlap(a, b)
    return all(patterns_overlap(x, y) for x, y in zip(fields_a, fields_b))


def reaches(statement: "Statement", action: str, catalog: "Catalog", unknown: bool = True) -> bool:
    """:meth:`ResourceMatcher.reaches` for ``catalog``."""
    return catalog.resources.reaches(statement, action, unknown)


def names_every_resource(value: str) -> bool:
    """'*', or an ARN pattern whose every field after the partition is '*' ('arn:aws:*:*:*:*')."""
    if not value.startswith("arn:"):
        return wildcard.matches_everything(value)
    # Most entries write out their service: no need to split them.
    second = value.find(":", 4)
    if second < 0 or value[second + 1:second + 2] != "*":
        return False
    return all(wildcard.matches_everything(field) for field in value.split(":")[2:])


# -- entries against the catalog's ARN formats ---------------------------------------------


class ResourceMatcher:
    """The resource questions about one catalog's actions, with their answers remembered."""

    def __init__(self, catalog: "Catalog") -> None:
        self.catalog = catalog
        self._fits: dict[tuple[Any, str], bool | None] = {}
        self._misfits: dict[tuple[Any, str], bool] = {}
        self._arn_templates: dict[tuple[str, str], tuple[_ArnTemplate, ...]] = {}
        self._arn_extensions: dict[tuple[str, str], tuple[_ArnTemplate, ...]] = {}
        self._service_templates: dict[str, tuple[_ArnTemplate, ...]] = {}
        self._aligned_by: dict[tuple[str, str], tuple[_ArnTemplate, ...]] = {}
        self._patterns: dict[str, tuple[str, ...] | None] = {}
        self._field_problems: dict[str, tuple[FieldProblem, ...]] = {}
        self._last_arn: tuple[str, str, str, str, tuple[FieldProblem, ...]] | None = None
        self._last_answer: tuple[Any, ...] | None = None
        self._groups_by_char: dict[str, dict[str, Any]] = {}
        self._field_answers: dict[tuple[Any, ...], tuple[tuple[FieldProblem, ...], ...]] = {}
        self._services: dict[str, bool] = {}
        self._one_piece: dict[str, dict[str, tuple[dict[str, tuple[_ArnTemplate, ...]], int]]] = {}
        self._heads: dict[str, dict[str | None, tuple[Any, ...]] | None] = {}
        self._namespaces: frozenset[str] | None = None
        self._namespace_found: dict[str, bool] = {}
        self._namespaces_of: dict[str, frozenset[str]] = {}
        self._unions: dict[str, dict[str | None, Any]] = {}
        self._wholes_of: dict[tuple[str, str], frozenset[str]] = {}
        self._actions_named: dict[str, Any] = {}
        self._kind_formats: dict[tuple[str, tuple[str, ...]], tuple[Any, ...]] = {}

    def fits(self, info: "ActionInfo", resource: str) -> bool | None:
        """Whether a policy ``Resource`` entry can match a resource that a request for the
        action names; None when the catalog cannot tell (a resource type it does not list).

        ``resource`` is matched as IAM matches it (``*`` and ``?`` wildcards, a ``*`` at the
        end of a field reaching past colons, policy variables such as ``${aws:username}``
        standing for any text), against the ARN formats of the action's resource types,
        ignoring case (see :meth:`_ArnTemplate.overlaps` for what a placeholder may hold). A
        placeholder may hold a "/" (a role path, an object key, a secret name), but a resource
        that fits a format only that way, while it spells out a more specific format of the
        same service segment by segment, is of that type (``apps/d1/branches/main`` is a
        branch, not an app whose id is ``d1/branches/main``). An action without resource types
        (it takes only ``"*"``) fits every entry with a wildcard or a variable, and no fully
        specific ARN. An entry longer than any ARN (``limits.MAX_ARN_CHARS``) is not judged
        (None): comparing it with the formats would cost time in proportion to its length.
        """
        return self.fits_kind(_resource_kinds(info), info, resource)

    def fits_kind(self, kind: tuple[str, tuple[str, ...]], info: "ActionInfo", resource: str) -> bool | None:
        """:meth:`fits` for an action of the kind ``kind`` (its :func:`_resource_kinds`)."""
        key = (kind, resource)
        found = self._fits.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = self._fits[key] = self._fits_uncached(kind, info, resource)
        return found

    def _fits_uncached(self, kind: tuple[str, tuple[str, ...]], info: "ActionInfo", resource: str) -> bool | None:
        if len(resource) > limits.MAX_ARN_CHARS:
            return None  # no ARN is that long: not judged
        pattern = wildcard.variables_as_stars(resource)
        if not info.resource_types:
            return wildcard.has_wildcard(pattern)
        templates, undecided, by_first = self._kind_templates(kind, info)
        # The text before the first wildcard of the resource part: most formats of a type are
        # settled by it (see _ArnTemplate.head_decides), the others by its first character.
        parts = pattern.lower().split(":", 5)
        head = wildcard.literal_head(parts[5]) if len(parts) == 6 else None
        if head:
            templates = by_first.get(head[0], by_first[""])
        for template in templates:
            if head is not None and template.head_decides and not (
                    head.startswith(template.resource_head) or template.resource_head.startswith(head)):
                continue
            if self._template_fits(info.service, template, pattern, parts):
                return True
        return None if undecided else False

    def _kind_templates(self, kind: tuple[str, tuple[str, ...]],
                        info: "ActionInfo") -> tuple[tuple[_ArnTemplate, ...], bool, dict[str, Any]]:
        """The ARN formats of the action's resource types, in order; whether a type has none
        in the catalog (then a misfit is not sure); and by the first character of an entry's
        resource part, the formats its literal head may not settle (those whose literal head
        starts with that character or is empty, and those the head does not settle), with
        "" for any other character. Remembered per kind of action."""
        found = self._kind_formats.get(kind)
        if found is None:
            types = self.catalog.resource_types(info.service)
            templates: list[_ArnTemplate] = []
            undecided = False
            for listed in info.resource_types:
                resource_type = types.get(listed.name.lower())
                if resource_type is None or not resource_type.arn_pattern:
                    undecided = True
                    continue
                templates.extend(self._templates(info.service, resource_type))
            by_first = {first: tuple(t for t in templates if not t.head_decides or t.resource_head[:1] in ("", first))
                        for first in {t.resource_head[:1] for t in templates}}
            by_first[""] = tuple(t for t in templates if not t.head_decides or not t.resource_head)
            found = self._kind_formats[kind] = (tuple(templates), undecided, by_first)
        return found

    def surely_misfits(self, info: "ActionInfo", resource: str) -> bool:
        """Whether a policy ``Resource`` entry surely matches no resource the action acts on.

        Beyond :meth:`fits` saying no, the catalog must be trusted on it, since
        it does not list every resource type of every action (CloudFormation authorizes
        CreateChangeSet on transform/..., which it does not list). It is trusted when:

        * the action has no resource types and the entry is a specific ARN without wildcards;
        * the entry is, field by field, of a type of the action's service that is related to
          one of the action's types: the same, a part of one or containing one
          (apps/ID vs apps/ID/branches/NAME), or a sibling under a common type
          (apps/ID/branches/NAME vs apps/ID/domains/NAME);
        * the entry is a resource of another service (a type listed there), while every type
          of the action is a resource of the action's own service.
        """
        return self.surely_misfits_kind(_resource_kinds(info), info, resource)

    def surely_misfits_kind(self, kind: tuple[str, tuple[str, ...]], info: "ActionInfo", resource: str) -> bool:
        """:meth:`surely_misfits` for an action of the kind ``kind`` (its :func:`_resource_kinds`)."""
        key = (kind, resource)
        found = self._misfits.get(key)
        if found is None:
            found = self._misfits[key] = self._surely_misfits(kind, info, resource)
        return found

    def _surely_misfits(self, kind: tuple[str, tuple[str, ...]], info: "ActionInfo", resource: str) -> bool:
        if self.fits_kind(kind, info, resource) is not False:
            return False
        if not info.resource_types:
            return True
        pattern = wildcard.variables_as_stars(resource).lower()
        fields = pattern.split(":", 5)
        if len(fields) < 6 or wildcard.has_wildcard(fields[2]):
            return False
        arn_service = fields[2]
        own = [template for listed in info.resource_types
               for template in self._templates_named(info.service, listed.name)]
        own_services = {template.arn_service for template in own}
        if arn_service in own_services:
            recognised = [t for t in self._aligned_templates(info.service, pattern) if t.arn_service == arn_service]
            return any(self._related(info.service, mine, seen) for mine in own for seen in recognised)
        if own_services != {info.service} or not self.catalog.has_service(arn_service):
            return False
        return bool(self._aligned_templates(arn_service, pattern))

    def actions_named(self, token: str) -> tuple[tuple["ActionInfo", ...], tuple[tuple[Any, "ActionInfo"], ...]]:
        """The catalog entries an Action entry names (several for a pattern; none when the
        catalog does not surely know it, or for the service "*"), and one of each kind
        (:func:`_resource_kinds`, what every resource question depends on) with its kind;
        remembered per entry (APL205 asks it for every Action entry of every statement)."""
        found = self._actions_named.get(token)
        if found is None:
            infos = self._actions_of(token)
            kinds = {_resource_kinds(info): info for info in infos}
            found = self._actions_named[token] = (infos, tuple(kinds.items()))
        return found

    def _actions_of(self, token: str) -> tuple["ActionInfo", ...]:
        catalog = self.catalog
        status = catalog.check_action(token)
        if status is not type(status).KNOWN:  # (ActionStatus: catalog imports this module)
            return ()
        service, _, name = token.partition(":")
        if service == "*":
            return ()
        if not has_wildcard(name):
            info = catalog.action(service, name)
            return (info,) if info is not None else ()
        return tuple(info for full in catalog.expand(token)
                     if (info := catalog.action(*full.split(":", 1))) is not None)

    def has_service(self, service: str) -> bool:
        """``catalog.has_service`` for a lower-case name, remembered (asked for every entry)."""
        known = self._services.get(service)
        if known is None:
            known = self._services[service] = self.catalog.has_service(service)
        return known

    def field_problems(self, resource: str) -> tuple["FieldProblem", ...]:
        """What the catalog's ARN formats say is wrong with the fields of a ``Resource`` entry
        that IAM accepts (see :func:`arn_field_problems`); remembered per entry."""
        quick = self._last_answer
        if quick is not None:
            answer = _quick_answer(quick, resource)
            if answer is not None:
                return answer
        found = self._field_problems.get(resource)
        if found is None:
            found = self._field_problems[resource] = arn_field_problems(resource, self)
        return found

    def field_problems_in(self, values: Iterable[str | None]) -> Iterator[tuple[int, tuple["FieldProblem", ...]]]:
        """(index, problems) of each entry of ``values`` that :meth:`field_problems` finds
        problems with, skipping None and "*" (a Resource list may hold hundreds of thousands:
        a long list of one kind is answered at once, by _one_answer)."""
        values = values if isinstance(values, list) else list(values)
        if len(values) >= self._BATCH:
            same = self._one_answer(values)
            if same is not None:
                if same:
                    yield from ((index, same) for index in range(len(values)))
                return
        quick = self._last_answer
        for index, resource in enumerate(values):
            if resource is None or resource == "*":
                continue
            found = _quick_answer(quick, resource) if quick is not None else None
            if found is None:
                found = self.field_problems(resource)
            quick = self._last_answer
            if found:
                yield index, found

    # From this many entries on, field_problems_in first tries _one_answer.
    _BATCH = 256

    def _one_answer(self, values: list[str | None]) -> tuple["FieldProblem", ...] | None:
        """The problems each entry of a long list gets when every one of them takes the quick
        answer of field_problems_in with the same formats (a generated list of one kind of
        ARN), found in a few passes in C; None when that is not so (then each is asked)."""
        from operator import itemgetter

        if values[0] is None or values[0] == "*":
            return None
        arn_field_problems(values[0], self)  # the quick answer, when the entry allows one (not remembered)
        quick = self._last_answer
        if quick is None or len(quick[4]) > 1 or None in values:
            return None  # (with two answers, whether AWS may own each resource decides)
        prefix, count = quick[0], len(values)
        joined = "\n".join(values)
        # Counted over the entries joined by a line break, which none holds: each starts with
        # the prefix (which has five colons and no "*"), ends in "*" and has no other "*", no
        # further ":", no "?" and no "${"; all ASCII, so that cutting and lowering commute.
        if (not joined.isascii() or joined.count("\n") != count - 1 or "${" in joined or "?" in joined
                or ("\n" + joined).count("\n" + prefix) != count or joined.count(":") != 5 * count
                or "*" in prefix or joined.count("*") != count or joined.count("*\n") != count - 1
                or not joined.endswith("*")):
            return None
        sizes = list(map(len, values))
        if min(sizes) < len(prefix) + 2 or max(sizes) > limits.MAX_ARN_CHARS:
            return None
        groups = {id(group): group for group in (quick[1].get(first.lower(), quick[2])
                                                 for first in set(map(itemgetter(len(prefix)), values)))}
        if len(groups) != 1 or None in groups.values():
            return None
        (answers, width), = groups.values()
        starts = set(map(itemgetter(slice(len(prefix), len(prefix) + width)), values))
        if len(starts) > count // 8:
            return None  # (a key per few entries: as well asked one by one)
        for start in starts:
            key = (start[:-1] if start.endswith("*") else start).lower()  # the part without its "*", cut
            if key not in answers:
                self.formats_fitting(quick[6], key + "*")  # remembers the key's formats
            if answers[key] is not quick[3]:
                return None
        return quick[5] + quick[4][0]

    def _first_groups(self, service: str) -> dict[str, Any]:
        """The one-piece answers (formats_fitting) by an entry's first character, for the
        characters that start a format's literal head; the others take the group of ""."""
        found = self._groups_by_char.get(service)
        if found is None:
            groups = self._one_piece[service]
            found = self._groups_by_char[service] = {c: groups.get(c) for c in self._heads[service] or () if c}
        return found

    def names_arn_namespace(self, name: str) -> bool:
        """``name in arn_namespaces()``, reading the services one by one until one has it,
        first those whose prefix holds the name or is part of it (Service Catalog's "catalog"):
        only a name that no format has loads every service."""
        if self._namespaces is not None:
            return name in self._namespaces
        found = self._namespace_found.get(name)
        if found is None:
            prefixes = self.catalog.service_prefixes()
            related = [prefix for prefix in prefixes if name in prefix or prefix in name]
            found = any(name in self._prefix_namespaces(prefix) for prefix in related + list(prefixes))
            self._namespace_found[name] = found
        return found

    def arn_namespaces(self) -> frozenset[str]:
        """The service fields of every ARN format in the catalog. Read only when an entry names
        a service that is no action prefix: every service's resource types are loaded then."""
        if self._namespaces is None:
            self._namespaces = frozenset(
                service for prefix in self.catalog.service_prefixes() for service in self._prefix_namespaces(prefix))
        return self._namespaces

    def _prefix_namespaces(self, prefix: str) -> frozenset[str]:
        """The service fields of the service's ARN formats, from their text: making every
        service's _ArnTemplate would cost more than the entries of a whole corpus."""
        found = self._namespaces_of.get(prefix)
        if found is None:
            found = self._namespaces_of[prefix] = frozenset(
                service for resource_type in self.catalog.resource_types(prefix).values()
                for text in resource_type.arn_pattern.split(", ")
                if text.strip() and (service := _arn_service(text.strip().lower())))
        return found

    def formats_fitting(self, service: str, resource_part: str) -> tuple[_ArnTemplate, ...] | None:
        """The ARN formats of ``service`` (in its own namespace) whose resource part can match
        the lower-case ``resource_part`` (variables as "*"); None when the catalog lists no
        format for the service."""
        # (Asked for every entry of a Resource list: the common case comes first, and the
        # comprehensions live in helpers, whose variables would cost every call a cell.)
        by_first = self._heads.get(service, _UNSEEN)
        if by_first is _UNSEEN:
            by_first = self._index_formats(service)
        if by_first is None:
            return None
        if (resource_part.endswith("*") and resource_part.find("*") == len(resource_part) - 1
                and len(resource_part) > 1 and "?" not in resource_part and ":" not in resource_part):
            # One piece and a closing "*" (bucket/some/prefix/*): _plain_answer comes down to
            # each format's first piece, whose start the pattern's head must be or start with
            # (when the piece has a placeholder). Only the head's first characters, one more
            # than the longest first head, take part: a long list of entries of one kind is
            # answered a few times, remembered by those.
            groups = self._one_piece[service]
            first = resource_part[0] if resource_part[0] in by_first else ""
            group = groups.get(first)
            if group is not None:
                key = resource_part[:-1][:group[1]]
                found = group[0].get(key)
                if found is None:
                    found = group[0][key] = _one_piece_fitting(by_first.get(first, ()), key)
                return found
        return _formats_fitting(by_first, resource_part, self._unions[service])

    def _index_formats(self, service: str) -> dict[str | None, tuple[Any, ...]] | None:
        own = tuple(t for t in self._all_templates(service) if t.fields and t.arn_service in (service, None))
        # Formats without a literal head may fit any entry, the others only one whose
        # literal head starts with the same character: each kept in the catalog's order,
        # with the literal head of its first piece and whether that piece has a
        # placeholder (see below), or None when the plain answer does not apply.
        pairs = tuple((t, t.first_piece_head()) for t in own)
        groups: dict[str, list[Any]] = {first: [] for first in {t.resource_head[:1] for t in own}}
        for pair in pairs:
            first = pair[0].resource_head[:1]
            if first:
                groups[first].append(pair)
            else:
                for group in groups.values():
                    group.append(pair)
        by_first: dict[str | None, tuple[Any, ...]] = {None: pairs}
        for first, group in groups.items():
            by_first[first] = tuple(group)
        self._heads[service] = by_first if own else None
        self._unions[service] = {}
        # Per first character, the longest first literal head of those formats: a one-piece
        # pattern is settled by that many characters of its head and one more (see above).
        self._one_piece[service] = {
            first: ({}, max((len(f[0]) for _, f in group if f is not None), default=0) + 1)
            for first, group in by_first.items() if first is not None and all(f is not None for _, f in group)}
        return self._heads[service]

    def _all_templates(self, prefix: str) -> tuple[_ArnTemplate, ...]:
        """Every ARN format of the service."""
        found = self._service_templates.get(prefix)
        if found is None:
            found = tuple(t for rt in self.catalog.resource_types(prefix).values() for t in self._templates(prefix, rt))
            self._service_templates[prefix] = found
        return found

    def _related(self, prefix: str, first: _ArnTemplate, second: _ArnTemplate) -> bool:
        """The same format, one a part of the other, or both parts of a third format of the
        service (one that ends in a placeholder)."""
        a, b = first.source, second.source
        if a.startswith(b) or b.startswith(a):
            return True
        return not self._wholes(prefix, a).isdisjoint(self._wholes(prefix, b))

    def _wholes(self, prefix: str, source: str) -> frozenset[str]:
        """The service's formats that ``source`` starts with and that end in a placeholder
        (those it may be a part of); remembered per format."""
        key = (prefix, source)
        found = self._wholes_of.get(key)
        if found is None:
            found = self._wholes_of[key] = frozenset(
                t.source for t in self._all_templates(prefix) if source.startswith(t.source) and t.ends_with_placeholder)
        return found

    def _aligned_templates(self, prefix: str, pattern: str) -> tuple[_ArnTemplate, ...]:
        """The service's ARN formats that a (lower-case, variables as "*") resource pattern
        fits field by field. Asked for each kind of action that misfits the resource, so
        remembered per resource."""
        key = (prefix, pattern)
        found = self._aligned_by.get(key)
        if found is None:
            fields = pattern.split(":", 5)
            # Only a format whose literal head the resource part's starts, or starts with, can
            # be aligned with it (a text of both starts with both).
            head = wildcard.literal_head(fields[5]) if len(fields) == 6 else None
            found = tuple(t for t in self._all_templates(prefix)
                          if (head is None or head.startswith(t.resource_head) or t.resource_head.startswith(head))
                          and _aligned(fields, t, LOOSE))
            self._aligned_by[key] = found
        return found

    def _templates_named(self, prefix: str, name: str) -> tuple[_ArnTemplate, ...]:
        resource_type = self.catalog.resource_types(prefix).get(name.lower())
        return self._templates(prefix, resource_type) if resource_type is not None else ()

    def _templates(self, prefix: str, resource_type: "ResourceType") -> tuple[_ArnTemplate, ...]:
        key = (prefix, resource_type.name.lower())
        found = self._arn_templates.get(key)
        if found is None:
            found = tuple(_ArnTemplate(text.strip()) for text in resource_type.arn_pattern.split(", ")
                          if text.strip())
            self._arn_templates[key] = found
        return found

    def _extensions(self, prefix: str, template: _ArnTemplate) -> tuple[_ArnTemplate, ...]:
        """The service's other ARN formats that continue ``template`` (apps/X -> apps/X/branches/Y)."""
        key = (prefix, template.source)
        found = self._arn_extensions.get(key)
        if found is None:
            found = tuple(t for t in self._all_templates(prefix)
                          if len(t.source) > len(template.source) and t.source.startswith(template.source))
            self._arn_extensions[key] = found
        return found

    def _template_fits(self, prefix: str, template: _ArnTemplate, pattern: str,
                       parts: list[str] | None = None) -> bool:
        """Whether the pattern fits the format (see fits); ``parts``: the lower-case pattern
        split into its six fields, when the caller has them."""
        loose, slash_free = _aligned_plainly(parts, template) if parts is not None else (None, None)
        if not (template.overlaps(pattern, LOOSE) if loose is None else loose):
            return False
        if not template.ends_with_placeholder or (
                template.overlaps(pattern, SLASH_FREE) if slash_free is None else slash_free):
            return True
        # Only a placeholder holding a "/" lets the pattern match. If the pattern spells out,
        # segment by segment, a more specific format of the same service, it is that type;
        # otherwise the catalog may lack a type or the name may hold a "/": it fits.
        return not any(extension.overlaps(pattern, SEGMENTS) for extension in self._extensions(prefix, template))

    def reaches(self, statement: "Statement", action: str, unknown: bool = True) -> bool:
        """Whether the statement's ``Resource`` can name a resource the action acts on.

        ``"s3:*"`` on ``arn:aws:s3:::bucket/*`` does not grant ``s3:CreateJob`` (a job
        resource), and ``cloudformation:*`` on a stack ARN does not grant actions that only
        take ``"*"``. The action's resource types come from the catalog (``${...}`` parts as
        wildcards), compared with :func:`arn_patterns_overlap`. Whatever cannot be judged --
        NotResource, policy variables, an action or a resource type the catalog does not
        know -- reaches. An entry only known at deploy time (an intrinsic) counts as
        ``unknown``: rules that prove an absence pass True (it may reach), rules that report
        a grant pass False (it is no proof).
        """
        if statement.resource_key != "Resource":
            return True
        values = [item.value for item in statement.resources]
        if any(v is not None and "${" in v for v in values):
            return True
        if any(v is None for v in values):
            if unknown:
                return True
            values = [v for v in values if v is not None]
            if not values:
                return False
        if any(wildcard.matches_everything(v) for v in values):
            return True
        patterns = self._action_patterns(action.lower())
        if patterns is None:
            return True
        if not patterns:  # the action takes only "*"
            return any(wildcard.compile(v, ignore_case=False).matches("*") for v in values)
        info = self._action_info(action.lower())
        return any(any(arn_patterns_overlap(v, p) for p in patterns) and self.fits(info, v) is not False
                   for v in values)

    def _action_info(self, action: str) -> "ActionInfo | None":
        prefix, _, name = action.partition(":")
        try:
            return self.catalog.action(prefix, name)
        except Exception:  # noqa: BLE001 - no catalog data: judge nothing
            return None

    def _action_patterns(self, action: str) -> tuple[str, ...] | None:
        """The ARN formats of the action's resource types, ``${...}`` as ``*``; () when it
        takes only "*"; None when the catalog cannot say."""
        if action not in self._patterns:
            self._patterns[action] = self._compute_patterns(action)
        return self._patterns[action]

    def _compute_patterns(self, action: str) -> tuple[str, ...] | None:
        prefix, _, name = action.partition(":")
        try:
            info = self.catalog.action(prefix, name)
            types = self.catalog.resource_types(prefix) if info is not None else {}
        except Exception:  # noqa: BLE001 - no catalog data: judge nothing
            return None
        if info is None:
            return None
        patterns = []
        for resource in info.resource_types:
            known = types.get(resource.name) or types.get(resource.name.lower())
            if known is None or not known.arn_pattern:
                return None
            patterns.append(wildcard.variables_as_stars(known.arn_pattern))
        return tuple(patterns)


def _resource_kinds(info: "ActionInfo") -> tuple[str, tuple[str, ...]]:
    """All that decides whether an action fits a resource: its service and the names of its
    resource types. Remembering answers by this, not by action, shares them between the
    dozens of actions a statement lists that act on the same types (s3:GetObject, s3:PutObject...)."""
    return info.service, tuple(listed.name for listed in info.resource_types)


_PLACEHOLDER = object()  # one ${...} in the resource part of an ARN format: some text
_FIELD = object()  # text in one of the first five fields (partition, region, ...): no ":" or "/"
_FIELD_CHAR = object()  # one character of such a field: a ${Partition} or ${Region} is never empty

# How a resource pattern is compared with an ARN format (see _ArnTemplate.overlaps).
LOOSE, SLASH_FREE, SEGMENTS = 0, 1, 2


class _ArnTemplate:
    """An ARN format from the catalog (``arn:${Partition}:amplify:${Region}:${Account}:apps/${AppId}``),
    compared with a policy's resource pattern by walking both at once (no regular expression:
    the pattern comes from the file being linted). The walk reads the pattern once, with the
    positions of the format it may have reached as the bits of an integer, so it costs
    O(len(pattern) * len(format)) bit operations at worst (see _automaton)."""

    __slots__ = ("source", "fields", "resource_tokens", "resource_head", "arn_service", "head_decides",
                 "resource_colon", "ends_with_placeholder", "aligned_colons", "_tokens", "_plain_forms")

    def __init__(self, source: str) -> None:
        # Made for every format of every service an entry names (hundreds in a run): what only
        # a rare comparison needs (the whole format's tokens) is made on first use.
        self.source = source
        lowered = source.lower()
        parts = lowered.split(":", 5)
        self.arn_service = _arn_service(lowered)
        # The first five fields (each a literal, "${}" for a placeholder, or None for "any
        # text") and the resource part, when the format has all six fields.
        self.fields: tuple[str | None, ...] = ()
        self.resource_tokens: tuple[Any, ...] = ()
        # The literal characters the resource part starts with, before its first placeholder
        # (a "${...}", or a "*" for any text).
        self.resource_head = ""
        if len(parts) == 6:
            self.fields = tuple(map(_format_field, parts[:5], _FIELD_INDEXES))
            resource = parts[5]
            self.resource_tokens = _tokens(resource, colons=5)
            opening = resource.find("${")
            cut = opening if opening >= 0 and resource.find("}", opening) >= 0 else len(resource)
            star = resource.find("*", 0, cut)
            self.resource_head = resource[:star if star >= 0 else cut]
        # Whether a six-field pattern whose resource part starts with text that neither starts
        # nor is a start of resource_head overlaps the format in no mode but SEGMENTS: its
        # resource part cannot be aligned with the format's (a text of both starts with both),
        # and with no ":" in the format's resource part, _overlaps compares no other way.
        self.resource_colon = len(parts) == 6 and ":" in parts[5] and ":" in self.resource_tokens
        self.head_decides = bool(self.fields) and not self.resource_colon
        self._tokens: tuple[Any, ...] | None = None
        self._plain_forms: dict[int, Any] = {}
        # The number of colons the whole format writes, when they are the five after its first
        # five fields and those of its resource part (see _colons_align); else None.
        self.aligned_colons: int | None = None
        if self.fields and _fields_apart(lowered[:len(lowered) - len(parts[5])]):
            # The whole format's tokens are the first five fields' and then resource_tokens.
            self.ends_with_placeholder = bool(self.resource_tokens) and self.resource_tokens[-1] is _PLACEHOLDER
            self.aligned_colons = 5 + (self.resource_tokens.count(":") if self.resource_colon else 0)
        else:
            self.ends_with_placeholder = bool(self.tokens) and self.tokens[-1] is _PLACEHOLDER

    def first_piece_head(self) -> tuple[str, bool] | None:
        """``plain_form(LOOSE)[1][0]`` without the rest: the literal head of the resource part's
        first ":"-separated piece and whether that piece has a placeholder; None when a literal
        "?" leaves the format no plain form."""
        parts = self.source.lower().split(":", 5)
        starred = wildcard.variables_as_stars(parts[5]) if len(parts) == 6 else ""
        if "?" in starred:
            return None
        first = starred.split(":", 1)[0]
        return first.split("*", 1)[0], "*" in first

    @property
    def tokens(self) -> tuple[Any, ...]:
        """Characters and placeholders of the whole format."""
        tokens = self._tokens
        if tokens is None:
            tokens = self._tokens = _tokens(self.source.lower(), colons=0)
        return tokens

    def plain_form(self, mode: int) -> tuple[Any, ...] | None:
        """The resource part cut at the separators its placeholders cannot hold in ``mode``
        (":" in LOOSE, ":" and "/" in SLASH_FREE), for :func:`_plain_walk`: each piece as a
        wildcard pattern (a placeholder as "*"), each piece's literal head and whether it has
        a placeholder, the separators in order, and whether the last token is a placeholder
        (the one that may hold ":"). None when a literal "?" makes the pieces no patterns."""
        if mode not in self._plain_forms:
            self._plain_forms[mode] = _plain_form(self.resource_tokens, ":" if mode == LOOSE else ":/")
        return self._plain_forms[mode]

    def overlaps(self, pattern: str, mode: int = LOOSE) -> bool:
        """Whether some ARN matches both the format and the IAM wildcard ``pattern``.

        A placeholder of the first five fields holds neither ":" nor "/", and at least one
        character for a partition or a region. A placeholder of the resource part holds no ":" (but see below), and
        ``mode`` says where it may hold a "/": LOOSE anywhere, SLASH_FREE nowhere, SEGMENTS
        only in the format's last placeholder.

        Outside SEGMENTS, a "*" of the pattern may match across colons, as IAM's does; and a
        pattern that writes out all six fields also fits when its resource part does, with
        the format's last placeholder holding ":" too (a Lambda alias, a log group's ":*":
        qualifiers the formats leave out). In SEGMENTS, each "*" of the pattern stays within
        its "/"- or ":"-separated segment and the last placeholder may hold anything.
        """
        return _overlaps(pattern.lower(), self, mode)


_FIELD_INDEXES = range(5)


def _format_field(text: str, index: int) -> str | None:
    """A field of the first five of an ARN format: "${}" for the placeholder of a partition or
    region (never empty), None for any text (another placeholder, a "*"), else the literal."""
    if index in (1, 3) and text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        return "${}"
    return None if "${" in text or "*" in text else text


def _fields_apart(prefix: str) -> bool:
    """Whether every "${" of an ARN format's first five fields and their colons (``prefix``)
    closes within its field: then the format's tokens are the prefix's and then the resource
    part's (read with five colons behind), as _tokens reads them."""
    start = 0
    while True:
        opening = prefix.find("${", start)
        if opening < 0:
            return True
        closing = prefix.find("}", opening)
        if closing < 0 or ":" in prefix[opening:closing]:
            return False
        start = closing + 1


def _arn_service(lowered: str) -> str | None:
    """The service field of a (lower-case) ARN format, unless it holds a placeholder."""
    parts = lowered.split(":", 3)
    return parts[2] if len(parts) > 2 and "${" not in parts[2] else None


def _tokens(text: str, colons: int) -> tuple[Any, ...]:
    """Characters and placeholders of (part of) an ARN format that follows ``colons`` colons."""
    tokens: list[Any] = []
    start, size = 0, len(text)
    while start < size:
        # The literal text up to the next "${...}" (one with a "}" after it), read in C.
        opening = text.find("${", start)
        closing = text.find("}", opening) if opening >= 0 else -1
        end = opening if closing >= 0 else size
        literal = text[start:end]
        if "*" in literal:  # a few formats are written with a "*" for any text
            for char in literal:
                if char == "*":
                    tokens.append(_FIELD if colons < 5 else _PLACEHOLDER)
                else:
                    colons += char == ":"
                    tokens.append(char)
        else:
            tokens.extend(literal)
            colons += literal.count(":")
        if end == size:
            break
        if colons >= 5:
            tokens.append(_PLACEHOLDER)
        elif colons in (1, 3):  # a partition or region is never empty; an account may be
            tokens.extend((_FIELD_CHAR, _FIELD))  # (AWS-owned SSM documents and parameters)
        else:
            tokens.append(_FIELD)
        start = closing + 1
    return tuple(tokens)


def _plain_form(tokens: tuple[Any, ...], separators: str) -> tuple[Any, ...] | None:
    pieces: list[str] = []
    written: list[str] = []
    current: list[str] = []
    for token in tokens:
        if token is _PLACEHOLDER:
            current.append("*")
        elif token.__class__ is not str or token == "*" or token == "?":
            return None
        elif token in separators:
            pieces.append("".join(current))
            written.append(token)
            current = []
        else:
            current.append(token)
    pieces.append("".join(current))
    return (tuple(wildcard.compile(piece, ignore_case=False) for piece in pieces),
            tuple((piece.split("*", 1)[0], "*" in piece) for piece in pieces),
            "".join(written), bool(tokens) and tokens[-1] is _PLACEHOLDER)


def _resource_part_fits(pattern: str, template: _ArnTemplate, mode: int) -> bool:
    """``_walk(pattern, template.resource_tokens, mode, colon_in_last=True)``, by
    :func:`_plain_walk` when it can answer."""
    answer = _plain_walk(pattern, template, mode) if mode != SEGMENTS else None
    if answer is None:
        return _walk(pattern, template.resource_tokens, mode, True)
    return answer


def _plain_walk(pattern: str, template: _ArnTemplate, mode: int) -> bool | None:
    """What :func:`_walk` answers for a resource part against the format's (LOOSE or
    SLASH_FREE, the last placeholder holding ":"), without the walk, for the patterns almost
    every policy writes: no "?" and no "*" but a last one (``bucket/some/prefix/*``). None
    for any other pattern, or a format with a literal "?".

    A placeholder holds no separator (":", and "/" in SLASH_FREE) but the last one a ":",
    so the separators of a text the format matches are the format's own, in order, plus
    colons in its last placeholder; between two separators a placeholder holds any text,
    so each piece of the pattern is matched against the format's piece as a wildcard
    pattern (linear, wildcard.Pattern). A pattern ending in "*" needs only a text of the
    format that starts with it: its pieces before the last match in full, and the last one
    is the start of some text of the format's piece (a start of its literal head, or, when
    the piece has a placeholder, starting with that head).
    """
    plain = _plain_pieces(pattern, mode)
    return None if plain is None else _plain_answer(plain, template.plain_form(mode))


# Remembered: asked for each format an entry is compared with.
@lru_cache(maxsize=4096)
def _plain_pieces(pattern: str, mode: int) -> tuple[tuple[str, ...], str, bool] | None:
    """A plain pattern cut at the separators of ``mode``: its pieces, its separators, and
    whether it ends in "*"; None for a pattern with a "?" or another "*"."""
    star = pattern.find("*")
    if (star >= 0 and star != len(pattern) - 1) or "?" in pattern:
        return None
    text = pattern[:star] if star >= 0 else pattern
    if mode == LOOSE:
        pieces = tuple(text.split(":"))
        return pieces, ":" * (len(pieces) - 1), star >= 0
    # Cut at both separators in C (a regular expression would import re for a small policy).
    pieces = tuple(text.replace(":", "/").split("/"))
    separators = []
    end = -1
    for piece in pieces[:-1]:
        end += len(piece) + 1
        separators.append(text[end])
    return pieces, "".join(separators), star >= 0


def _plain_answer(plain: tuple[tuple[str, ...], str, bool], form: tuple[Any, ...] | None) -> bool | None:
    if form is None:
        return None
    pieces, written, open_end = plain
    globs, heads, separators, last_holds_colon = form
    count, given = len(globs), len(pieces)
    if given > count:
        # The further pieces are in the last placeholder, which holds colons but no "/".
        if not last_holds_colon or written[:count - 1] != separators or written[count - 1:].strip(":"):
            return False
        return all(glob.matches(piece) for glob, piece in zip(globs, pieces))
    if written != separators[:given - 1]:
        return False
    last = given - 1
    if not all(globs[index].matches(pieces[index]) for index in range(last)):
        return False
    if not open_end:
        return given == count and globs[last].matches(pieces[last])
    head, open_ended = heads[last]
    piece = pieces[last]
    return head.startswith(piece) or (open_ended and piece.startswith(head))


@lru_cache(maxsize=65536)
def _overlaps(pattern: str, template: _ArnTemplate, mode: int) -> bool:
    head = pattern.split(":", 3)
    if len(head) == 4 and template.arn_service is not None and "*" not in head[0] + head[1] + head[2] \
            and not _field_matches(head[2], template.arn_service):
        return False  # the service is written out, and it is another one
    if mode == SEGMENTS:
        return _walk(pattern, template.tokens, SEGMENTS, colon_in_last=True)
    parts = pattern.split(":", 5)
    if len(parts) == 6 and template.fields:
        if _aligned(parts, template, mode):
            return True
        if ":" not in template.resource_tokens or _colons_align(parts, template):
            # The pattern's five colons can only meet the format's five: a star that
            # crosses colons could not do better than the comparison field by field.
            return False
    return _walk(pattern, template.tokens, mode, colon_in_last=False)


def _colons_align(parts: list[str], template: _ArnTemplate) -> bool:
    """Whether a six-field pattern that is not aligned with the format (_aligned) surely
    overlaps it in no other way, LOOSE or SLASH_FREE, because it writes at least as many
    colons as the whole format. A colon the pattern writes meets a colon the format writes
    (no placeholder or field holds one, in the walk that _overlaps makes then), each another
    one and in order: with as many as the format's, the pattern's i-th meets the format's
    i-th, and when the format's first five fields close their placeholders (aligned_colons),
    the pattern's fields meet the format's fields and its resource part the format's: a
    text of both would make them aligned. With more, there is no text of both."""
    colons = template.aligned_colons
    return colons is not None and 5 + parts[5].count(":") >= colons


_UNSEEN = object()


def _aligned_plainly(parts: list[str], template: _ArnTemplate) -> tuple[bool | None, bool | None]:
    """What ``_overlaps`` answers in LOOSE and in SLASH_FREE for the (lower-case) pattern of
    ``parts`` against the format, when it answers field by field and the resource part is
    plain (_plain_walk); None for a mode it answers otherwise (a walk). The field comparison,
    the same in both modes, is made once, and no answer is remembered (a pattern is compared
    with each format once: the caller remembers what it found)."""
    if len(parts) != 6 or not template.fields:
        return None, None
    service = template.arn_service
    if service is not None and "*" not in parts[0] and "*" not in parts[1] and "*" not in parts[2] \
            and not _field_matches(parts[2], service):
        return False, False  # the service is written out, and it is another one
    for written, expected in zip(parts, template.fields):
        if expected is None:
            continue
        if expected == "${}":
            if not written or "/" in written:
                break
        elif written != expected and not _field_matches(written, expected):
            break
    else:
        resource = parts[5]
        plain = _plain_pieces(resource, LOOSE)
        if plain is None:
            return None, None
        loose = _plain_answer(plain, template.plain_form(LOOSE))
        if loose:
            slash_free = _plain_answer(_plain_pieces(resource, SLASH_FREE), template.plain_form(SLASH_FREE))
            if slash_free is False and template.resource_colon and not _colons_align(parts, template):
                slash_free = None
            return True, slash_free
        if loose is None:
            return None, None
    # Not aligned: without a ":" in the format's resource part, there is no other way.
    return (None, None) if template.resource_colon and not _colons_align(parts, template) else (False, False)


def _one_piece_fitting(candidates: tuple[Any, ...], head: str) -> tuple[_ArnTemplate, ...]:
    return tuple(t for t, piece in candidates if piece[0].startswith(head) or (piece[1] and head.startswith(piece[0])))


def _formats_fitting(by_first: dict[str | None, tuple[Any, ...]], resource_part: str,
                     unions: dict[str | None, Any]) -> tuple[_ArnTemplate, ...]:
    # Most formats of a service start with another literal type name (instance/ against
    # volume/...): the literal heads settle those without a walk, as the walk's first step
    # would (a service has dozens of formats, each entry is asked about every one).
    head = wildcard.literal_head(resource_part)
    key = (head[0] if head[0] in by_first else "") if head else None
    candidates = by_first.get(key, ())
    plain = _plain_pieces(resource_part, LOOSE)
    if plain is None and candidates:
        # A "?" or an inner "*": the walk, for all the candidates at once (their automaton
        # kept with the service's index, ``unions``).
        automaton = unions.get(key)
        if automaton is None:
            automaton = unions[key] = _make_automaton(tuple(t.resource_tokens for t, _ in candidates), LOOSE, True)
        reached = _run(resource_part, automaton)
        return tuple(t for (t, _), bit in zip(candidates, automaton[6])
                     if reached & bit and (head.startswith(t.resource_head) or t.resource_head.startswith(head)))
    return tuple(t for t, _ in candidates
                 if (head.startswith(t.resource_head) or t.resource_head.startswith(head))
                 and (_walk(resource_part, t.resource_tokens, LOOSE, True) if plain is None
                      or (answer := _plain_answer(plain, t.plain_form(LOOSE))) is None else answer))


def _aligned(parts: list[str], template: _ArnTemplate, mode: int) -> bool:
    """The six fields of a pattern against a format, field by field; the format's last
    placeholder may hold ":" (qualifiers)."""
    return _aligned_cached(tuple(parts), template, mode)


@lru_cache(maxsize=65536)
def _aligned_cached(parts: tuple[str, ...], template: _ArnTemplate, mode: int) -> bool:
    if not template.fields:
        return False
    for written, expected in zip(parts[:5], template.fields):
        if expected is None:
            continue
        if expected == "${}":
            if not written or "/" in written:
                return False
        elif written != expected and not _field_matches(written, expected):
            return False
    return _resource_part_fits(parts[5], template, mode)


def _field_matches(written: str, expected: str) -> bool:
    """``wildcard.match(written, expected)``, without the pattern for a field without wildcards
    (most are: the partition, the service, a region, an account)."""
    if "*" in written or "?" in written:
        return wildcard.match(written, expected)
    return written.lower() == expected.lower()


# Remembered: the same resource part is walked against the same format for every entry that
# differs only in its region or account, and for each question asked about it (which formats
# it fits, which it is aligned with); a fifth of the managed policies' walks were repeats.
# Bounded below _overlaps' cache: a key holds a pattern of up to limits.MAX_ARN_CHARS.
@lru_cache(maxsize=16384)
def _walk(pattern: str, tokens: tuple[Any, ...], mode: int, colon_in_last: bool) -> bool:
    """Whether some text matches both the wildcard ``pattern`` and the format ``tokens``."""
    automaton = _automaton((tokens,), mode, colon_in_last)
    return _run(pattern, automaton) & automaton[5] != 0


# The walk reads the pattern once, left to right, carrying the set of format positions the
# text so far can have reached, one bit per position (bit j: j tokens of the format read);
# a pair of positions (i, j) is what the depth-first walk this replaced visited, so both say
# the same, and a format costs a few integer operations per character of the pattern
# instead of Python steps per pair. Several formats share one integer: each one's bits end
# with its own "all read" bit, which no move leaves, so no move crosses into the next one
# (a service's formats are compared with an entry in one pass, _formats_fitting).
#
# The moves, for the pattern's character c and the format's token t at position j:
# * t a placeholder or a field (no character of it left): j -> j+1 without reading c;
# * c "*": it matches nothing more (go on to the next character, same positions), or it takes
#   a literal character of the format (not "/" or ":" in SEGMENTS) or the character of a field
#   that needs one: j -> j+1 on the same character of the pattern;
# * c otherwise: a literal equal to c (any literal for "?") or the character of a field: read
#   both, j -> j+1; a field or placeholder takes c and stays at j, a field unless c is ":" or
#   "/" (a "?" always), a placeholder the same but a "/" in LOOSE, a "/" in SEGMENTS' last one,
#   a ":" in the last one with ``colon_in_last``.
# Closing a set over "j -> j+1 where bit j of M is set" is one addition: M + (S & M) carries
# each run of M's bits from the lowest bit of S in it to the bit past its end, and the
# exclusive or with M leaves exactly the positions so reached (each run ends at a 0 of M).
@lru_cache(maxsize=8192)
def _automaton(sequences: tuple[tuple[Any, ...], ...], mode: int, colon_in_last: bool) -> tuple[Any, ...]:
    """:func:`_make_automaton`, remembered (a format is walked with many patterns)."""
    return _make_automaton(sequences, mode, colon_in_last)


def _make_automaton(sequences: tuple[tuple[Any, ...], ...], mode: int, colon_in_last: bool) -> tuple[Any, ...]:
    """(starts, epsilon, star, moves by character, moves of any other character, all read,
    each format's "all read" bit) of the formats ``sequences`` side by side."""
    segments = mode == SEGMENTS
    starts = epsilon = star = field_char = fields = placeholders = last_placeholders = literals = 0
    literal: dict[str, int] = {}
    accepts = []
    offset = 0
    for tokens in sequences:
        starts |= 1 << offset
        for j, token in enumerate(tokens):
            bit = 1 << (offset + j)
            if token is _PLACEHOLDER:
                epsilon |= bit
                placeholders |= bit
            elif token is _FIELD:
                epsilon |= bit
                fields |= bit
            elif token is _FIELD_CHAR:
                field_char |= bit
                star |= bit
            else:
                literal[token] = literal.get(token, 0) | bit
                literals |= bit
                if not segments or (token != "/" and token != ":"):
                    star |= bit
        if tokens and tokens[-1] is _PLACEHOLDER:
            last_placeholders |= 1 << (offset + len(tokens) - 1)
        offset += len(tokens)
        accepts.append(1 << offset)
        offset += 1
    star |= epsilon
    anywhere = fields | placeholders
    moves = {char: (bits | field_char, anywhere) for char, bits in literal.items()}
    moves["?"] = (literals | field_char, anywhere)
    moves[":"] = (literal.get(":", 0), last_placeholders if colon_in_last else 0)
    moves["/"] = (literal.get("/", 0),
                  placeholders if mode == LOOSE else last_placeholders if segments else 0)
    accepted = 0
    for bit in accepts:
        accepted |= bit
    return starts, epsilon, star, moves, (field_char, anywhere), accepted, tuple(accepts)


def _run(pattern: str, automaton: tuple[Any, ...]) -> int:
    """The positions the formats can have reached when the whole pattern is read."""
    reached, epsilon, star, moves, other = automaton[:5]
    get = moves.get
    for char in pattern:
        if char == "*":
            reached |= (star + (reached & star)) ^ star
        else:
            reached |= (epsilon + (reached & epsilon)) ^ epsilon
            advance, stay = get(char, other)
            reached = ((reached & advance) << 1) | (reached & stay)
            if not reached:
                return 0
    return reached | ((epsilon + (reached & epsilon)) ^ epsilon)
