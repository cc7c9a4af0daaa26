"""Policy documents and their statements, normalised for the rules.

Normalising never fails: a value of the wrong type becomes an ``Item`` with ``value=None``
(the schema check reports it once; every other rule simply cannot decide and stays quiet).

Rules read statements through this model, never through the raw ``Statement`` mapping:

``statement.actions`` / ``statement.resources``
    The ``Action``/``NotAction`` and ``Resource``/``NotResource`` entries as :class:`Item`
    (``action_key``/``resource_key`` say which key was written).
``statement.conditions``
    Every key a ``Condition`` tests, one :class:`Condition` per (operator, key) pair, in the
    order written: ``condition.operator`` is the parsed operator
    (:class:`~amplify_policy_lint.conditions.Operator`: ``text`` as written, ``qualifier``
    ``"ForAnyValue:"``/``"ForAllValues:"`` or None, ``base`` such as ``"StringLike"``,
    ``if_exists``, ``known``, ``family``), ``condition.key`` the key as written
    (``condition.key_lower`` for comparisons: IAM ignores the case of condition keys), and
    ``condition.values`` the values as :class:`ConditionValue` (``value`` as written,
    ``path`` for a finding, ``unknown`` for an intrinsic function or other structure only
    deploy time resolves, ``text`` for a plain string). ``condition.path`` is the key's path,
    ``condition.operator_path`` the operator's.
``statement.condition_blocks``
    One :class:`ConditionBlock` per operator written, with ``conditions=None`` when the
    operator's value cannot be read (an intrinsic function, not a mapping): what a rule
    about operators themselves (APL105) walks.
``statement.condition_unknown``
    True when some part of the ``Condition`` cannot be read (the whole element is an
    intrinsic such as ``Fn::If``, or an operator's block is): a rule that needs to know
    every test treats the statement as "may be restricted" and stays quiet.
``statement.condition_keys()``
    The lower-case keys tested, under any operator.
``statement.tests_key(*keys, prefix=False)``
    Three-valued "does the Condition test one of these keys": True, False, or None when
    unreadable parts leave it open (``prefix=True`` compares key prefixes, e.g.
    ``"aws:ResourceTag/"``).
``statement.every_resource()``
    ``Resource: "*"`` (or an ARN pattern of only wildcards), or a NotResource that excludes
    only some resources.

A minimal condition check, as an Access Analyzer rule would write it::

    for statement in document.statements:
        for condition in statement.conditions:
            if condition.operator.base == "Null" and condition.operator.if_exists:
                yield Violation(condition.operator_path, {...}, part="key")
            for value in condition.values:
                if value.text is not None and value.text.strip() != value.text:
                    yield Violation(value.path, {...})
"""
from __future__ import annotations


try:
    from _bisect import bisect_right  # what bisect re-exports, without its module (start-up)
except ImportError:  # pragma: no cover - an interpreter without the C accelerator
    from bisect import bisect_right

from . import caching, regex, wildcard
from .conditions import Operator, parse_operator
from .model import JsonPath, PrincipalKey
from .records import Choices, Record, field
from .resources import names_every_resource
from .source import Source

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Callable, Iterator, Mapping, Sequence


class DocKind(Choices):
    IDENTITY = "identity"  # attached to a user, group or role
    RESOURCE = "resource"  # attached to a resource (bucket, queue, key, ...); has Principal
    TRUST = "trust"  # a role's AssumeRolePolicyDocument
    UNKNOWN = "unknown"  # a bare policy file whose kind cannot be told


class Item(Record):
    """One entry of Action, NotAction, Resource or NotResource.

    ``value`` is None when the entry is not a plain string (an intrinsic function, a
    number, a list): rules that need the text cannot decide about it.
    """

    value: str | None
    path: JsonPath  # relative to the document


class ConditionValue(Record):
    """One value a condition compares a key with.

    ``value`` is as written: a string, a number, a boolean, None, or, when only deploy time
    knows it, an intrinsic function (a mapping) or a nested list.
    """

    value: Any
    path: JsonPath  # relative to the document

    @property
    def unknown(self) -> bool:
        """An intrinsic function or other structure: no rule may guess what it becomes."""
        return isinstance(self.value, (dict, list))

    @property
    def text(self) -> str | None:
        return self.value if isinstance(self.value, str) else None


class Condition(Record):
    """One key tested under one operator: ``{"StringLike": {"aws:SourceArn": [...]}}`` is one.

    ``key`` is as written (a YAML key may be a number); ``listed`` says the values were
    written as a list (a single value's path is the key's own path).
    """

    operator: Operator
    key: Any
    values: tuple[ConditionValue, ...]
    path: JsonPath  # the key's path, relative to the document
    operator_path: JsonPath
    listed: bool

    @property
    def key_lower(self) -> str | None:
        """The key for comparisons (IAM ignores the case of condition keys); None if not text."""
        return self.key.lower() if isinstance(self.key, str) else None


class ConditionBlock(Record):
    """One operator of a Condition and the keys under it; ``conditions`` is None when the
    operator's value cannot be read (an intrinsic function, or not a mapping)."""

    operator: Operator
    path: JsonPath
    conditions: tuple[Condition, ...] | None


class Statement(Record, slots=False):
    """One statement, normalised. Facts several rules ask about (``conditions``,
    ``condition_keys()``, ...) are worked out on first use and kept with the statement
    (a ``__dict__``, not slots, holds them), so each is computed once per statement."""

    path: JsonPath  # relative to the document, e.g. ("Statement", 2)
    data: Mapping[str, Any]
    sid: str | None
    effect: str | None  # "Allow", "Deny", or None when missing or malformed
    action_key: str | None  # "Action", "NotAction", or None
    actions: tuple[Item, ...]
    resource_key: str | None  # "Resource", "NotResource", or None
    resources: tuple[Item, ...]
    principal_key: str | None  # "Principal", "NotPrincipal", or None
    principal: Any
    condition: Any  # the raw Condition value, or None (rules use the fields below)
    condition_blocks: tuple[ConditionBlock, ...] = ()
    # Literal entries inside an Fn::If of Action/NotAction or Resource/NotResource, one per
    # branch (AWS::NoValue removes the entry): checked against the grammar, the catalog and the
    # ARN rules, never evaluated (which branch deploys is unknown; the Fn::If itself is an
    # unresolved entry in ``actions``/``resources``).
    branch_actions: tuple["Item", ...] = ()
    branch_resources: tuple["Item", ...] = ()
    # Some part of the Condition cannot be read: the element itself (an Fn::If, not a
    # mapping) or an operator's block.
    condition_unknown: bool = False

    @property
    def conditional(self) -> bool:
        return self.condition is not None and self.condition != {}

    @caching.cached_property
    def conditions(self) -> tuple[Condition, ...]:
        """Every (operator, key) test of the readable blocks, in the order written."""
        return tuple(c for block in self.condition_blocks if block.conditions for c in block.conditions)

    def condition_keys(self) -> frozenset[str]:
        """The keys tested, lower case, under any operator (keys that are not text left out)."""
        return self._condition_keys

    @caching.cached_property
    def _condition_keys(self) -> frozenset[str]:
        return frozenset(c.key_lower for c in self.conditions if c.key_lower is not None)

    def tests_key(self, *keys: str, prefix: bool = False) -> bool | None:
        """Whether the Condition tests one of ``keys`` (ignoring case) under any operator:
        True, False, or None when it does not visibly but unreadable parts may."""
        wanted = tuple(k.lower() for k in keys)
        for condition in self.conditions:
            key = condition.key_lower
            if key is not None and (key.startswith(wanted) if prefix else key in wanted):
                return True
        return None if self.condition_unknown else False

    def every_resource(self) -> bool:
        """Resource "*" (or an entry that matches every ARN), or a NotResource that excludes some."""
        if self.resource_key is None or self.data.get(self.resource_key) is None:
            return False
        values = [item.value for item in self.resources]
        if self.resource_key == "Resource":
            return any(value is not None and names_every_resource(value) for value in values)
        # NotResource: every resource except those listed, unless an entry may exclude everything.
        return bool(values) and all(value is not None and not names_every_resource(value) for value in values)

    def principal_entries(self, key: str) -> tuple[tuple[str, JsonPath], ...]:
        """The text entries of one key of the Principal/NotPrincipal mapping (``"AWS"``,
        ``"Service"``, ``"Federated"``), with their paths; a single value or a list. Entries
        only deploy time knows (intrinsics, ``${...}``) and a Principal that is not a mapping
        give nothing."""
        principal = self.principal
        if self.principal_key is None or not isinstance(principal, dict) or _is_intrinsic(principal):
            return ()
        value = principal.get(key)
        base = self.path + (self.principal_key, key)
        entries = [(value, base)] if not isinstance(value, list) else [
            (entry, base + (index,)) for index, entry in enumerate(value)]
        return tuple((entry, path) for entry, path in entries if isinstance(entry, str) and "${" not in entry)


class PolicyDocument(Record, slots=False, eq=False):
    """One policy document found in a file.

    ``source`` answers positions for paths relative to ``base`` (for an embedded JSON
    string, ``source`` is the inner text mapped back to the file). ``principals`` names
    whose permissions this document is part of; ``label`` says in words where it is.
    Two documents are the same only when they are the same object (their data are dicts).
    """

    file: str
    source: Source
    base: JsonPath
    data: Any
    kind: DocKind
    label: str
    principals: tuple[PrincipalKey, ...] = ()
    # The input kind the document came from: policy, custom-policies, cloudformation, ...
    container: str = "policy"
    # Amplify custom-policies.json statements have no Version and default Effect to Allow.
    implicit_effect: str | None = None
    # For a resource policy: the resource type that holds it (AWS::ECR::Repository,
    # aws_sqs_queue_policy), when the input says; which service it goes to decides what
    # that service accepts (resource_policies.py).
    resource_type: str | None = None
    # The document is a bare list of statements (no Version, no Statement key), as Amplify's
    # custom-policies.json writes it.
    bare_statements: bool = False
    # A VPC endpoint policy: Principal "*" there is whoever uses the endpoint in your VPC.
    vpc_endpoint: bool = False
    statements: tuple[Statement, ...] = field(default=(), repr=False)
    # Statements written in a branch of an Fn::If in the Statement list (CloudFormation):
    # checked as statements by the document rules that opt in, and weighed as "may apply" by
    # the evaluator, never as sure grants or denials.
    branch_statements: tuple[Statement, ...] = field(default=(), repr=False)

    def span(self, path: JsonPath, part: str = "value"):
        return self.source.span(self.base + tuple(path), part)

    def raw(self, path: JsonPath) -> str:
        return self.source.raw(self.base + tuple(path))

    def query(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, worked out once per document and ``key``: a fact several rules ask
        about (the catalog's verdict on each action entry, the PassRole grants), shared by
        them. ``key`` names the fact and what it depends on besides the document (the catalog)."""
        queries = self.__dict__.get("_queries")
        if queries is None:
            queries = self.__dict__["_queries"] = {}  # frozen: set in the instance's dict, as cached_property does
        try:
            return queries[key]
        except KeyError:
            found = queries[key] = compute()
            return found

    def forget_queries(self) -> None:
        """Drop the answers of :meth:`query` (some hold Grants, which refer back to this
        document: a cycle only the garbage collector would free), once no rule asks any more."""
        self.__dict__.pop("_queries", None)

    @property
    def may_hold_placeholder(self) -> bool:
        """Whether some string of the document may hold ``${`` (a policy variable, a template
        reference): False means surely none does, and the rules that look for one are done."""
        return self._facts[0]

    @property
    def may_hold_intrinsic(self) -> bool:
        """Whether the data may hold an intrinsic function (a one-key mapping of ``Ref``,
        ``Condition`` or ``Fn::...``): False means surely none does."""
        return self._facts[1]

    @property
    def plain_json_size(self) -> int | None:
        """:func:`plain_json_size` of the data's compact JSON (None without one): what IAM
        counts for the document's size when it is not None (quotas.document_size)."""
        return self._facts[2]

    @caching.cached_property
    def _facts(self) -> tuple[bool, bool, int | None]:
        """What the rules that read the whole document ask, from one text of it written in C:
        its compact JSON (:func:`compact_json`) or, failing that, its ``repr``. Either writes a
        string's "$", "{", ":" and letters as they are, and a one-key mapping as "{" and its
        key: a mark that is not in the text is nowhere in the data. The text is not kept.

        A document that is all of a JSON file whose text writes its data as compact JSON
        does, but for white space (``Source.plain_json``), is asked through that text instead:
        writing the data again would cost more than reading it did."""
        source = self.source
        if source.plain_json and not self.base and self.data is source.data:
            return plain_text_facts(source.text)
        text = compact_json(self.data)
        if text is not None:
            return "${" in text, any(mark in text for mark in _JSON_INTRINSIC_MARKS), plain_json_size(text)
        try:
            text = repr(self.data)
        except RecursionError:  # pragma: no cover - deeper than the input limits allow
            return True, True, None
        return "${" in text, any(mark in text for mark in _REPR_INTRINSIC_MARKS), None

    @caching.cached_property
    def action_index(self) -> "ActionIndex":
        """Which of the statements may name an action (built on first use, then kept)."""
        return ActionIndex(self.statements)


# How a mapping whose first key is an intrinsic function's starts, in JSON and in a repr (which
# writes a key holding a quote in double quotes): what PolicyDocument._marks looks for.
_JSON_INTRINSIC_MARKS = ('{"Ref":', '{"Condition":', '{"Fn::')
_REPR_INTRINSIC_MARKS = ("{'Ref'", "{'Condition'", "{'Fn::", '{"Fn::')


def compact_json(data: Any) -> str | None:
    """``data`` as compact JSON text: ``json.dumps(data, ensure_ascii=False, separators=(",",
    ":"), allow_nan=False)``, on json's C encoder without importing json (fastjson.py). None
    when JSON cannot write it (a YAML date, NaN)."""
    from .fastjson import dumps

    try:
        return dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None


def plain_text_facts(text: str) -> tuple[bool, bool, int | None]:
    """PolicyDocument._facts from a JSON text that writes its data as :func:`compact_json`
    would, but for white space outside strings (json_reader's ``plain_json``: no escape, every
    number as Python writes it). Its strings are the compact text's, so "${" is in one text when
    it is in the other; without the white space the two are the same text but for white space
    inside strings, which no mark holds and the size does not count."""
    packed = "".join(text.split())
    return "${" in text, any(mark in packed for mark in _JSON_INTRINSIC_MARKS), plain_json_size(packed)


def plain_json_size(text: str) -> int | None:
    """The characters of a compact JSON text without whitespace, when no string in it needed an
    escape (a quote, a backslash, a control character) and nothing looks like an intrinsic
    function: then what IAM counts for the data (quotas.size_without_whitespace); else None."""
    if "\\" in text or '"Fn::' in text or '"Ref":' in text:
        return None
    return sum(map(len, text.split()))



class ActionIndex:
    """The statements that may match an action, found without matching every entry of every
    statement: rules evaluate hundreds of actions (PassRole candidates, every action of a
    wildcard) against documents of up to a thousand statements.

    ``candidates(action)`` is a superset of the statements whose Action/NotAction can cover
    ``action`` (never one too few), in document order; the caller still judges each.

    The plain names are not put in a mapping one by one: each statement's list is lowered at
    once and written on lines of one text (``_text``, in C), where a name is found by looking
    for it between two line breaks; ``_starts`` holds where each statement's lines begin.
    """

    __slots__ = ("_statements", "_text", "_starts", "_owners", "_patterns", "_anywhere", "_always")

    def __init__(self, statements: Sequence[Statement]) -> None:
        self._statements = tuple(statements)
        self._patterns: dict[str, list[tuple[wildcard.Pattern, int]]] = {}  # by literal service prefix
        self._anywhere: list[tuple[wildcard.Pattern, int]] = []  # a wildcard before the colon
        self._always: list[int] = []  # NotAction, or an unresolved entry: judged for every action
        chunks = ["\n"]  # "\n" + each statement's names, one per line, each line ended by "\n"
        starts: list[int] = []  # where each chunk's first name begins in the text
        owners: list[int] = []  # the statement of each chunk
        size = 1
        for index, statement in enumerate(self._statements):
            if statement.effect is None or statement.action_key is None:
                continue  # never grants or denies anything
            values = [item.value for item in statement.actions]
            if statement.action_key == "NotAction" or None in values:
                self._always.append(index)
                continue
            if not values:
                continue
            # (A name holding a line break is still found: it lies between two line breaks too.)
            chunk = "\n".join(values).lower() + "\n"
            if "*" in chunk or "?" in chunk:  # wildcard.has_wildcard of some entry
                names = [value for value in values if "*" not in value and "?" not in value]
                for value in values:
                    if "*" in value or "?" in value:
                        self._add(value, index)
                if not names:
                    continue
                chunk = "\n".join(names).lower() + "\n"
            chunks.append(chunk)
            starts.append(size)
            owners.append(index)
            size += len(chunk)
        self._text = "".join(chunks)
        self._starts = starts
        self._owners = owners

    def _add(self, value: str, index: int) -> None:
        service, colon, _ = value.partition(":")
        # A name holds one colon: a pattern whose text before its colon is literal can only
        # match actions of that service.
        if colon and not wildcard.has_wildcard(service):
            self._patterns.setdefault(service.lower(), []).append((wildcard.compile(value), index))
        else:
            self._anywhere.append((wildcard.compile(value), index))

    def names(self) -> list[str]:
        """The plain names of the statements' Action lists, lower case (a name holding a line
        break comes in pieces, and an empty piece may come too): the names a plain action
        must be among to be named outright."""
        return self._text.split("\n")

    def patterns(self) -> list[tuple[str, Statement]]:
        """Each Action entry with a wildcard (as written) and its statement, in no set order."""
        found = [(pattern.source, index) for entries in self._patterns.values() for pattern, index in entries]
        found.extend((pattern.source, index) for pattern, index in self._anywhere)
        return [(source, self._statements[index]) for source, index in found]

    def always(self) -> list[Statement]:
        """The statements judged for every action: NotAction, or an unresolved entry."""
        return [self._statements[index] for index in self._always]

    def candidates(self, action: str) -> list[Statement]:
        lower = action.lower()
        found = set(self._always)
        text, starts, owners = self._text, self._starts, self._owners
        needle = "\n" + lower + "\n"
        position = text.find(needle)
        while position >= 0:
            found.add(owners[bisect_right(starts, position + 1) - 1])
            position = text.find(needle, position + 1)
        for pattern, index in self._patterns.get(lower.partition(":")[0], ()):
            if index not in found and pattern.matches(lower):
                found.add(index)
        for pattern, index in self._anywhere:
            if index not in found and pattern.matches(lower):
                found.add(index)
        return [self._statements[i] for i in sorted(found)]


class Principal(Record):
    """Whose permissions are evaluated together: a role, user or group, or a file.

    ``complete`` is False when the principal has policies the linter cannot see (an AWS
    managed policy ARN, an imported value): rules that prove an absence stay quiet then.
    """

    id: PrincipalKey
    label: str
    documents: tuple[PolicyDocument, ...]
    complete: bool = True


def action_entries(document: PolicyDocument) -> Iterator[Item]:
    """Every Action and NotAction entry of the document that is a plain string, in order,
    with the literals of every Fn::If branch (statements in branches included)."""
    for statement in (*document.statements, *document.branch_statements):
        for item in (*statement.actions, *statement.branch_actions):
            if item.value is not None:
                yield item


def action_statuses(document: PolicyDocument, catalog: Any) -> tuple[tuple[Item, Any], ...]:
    """Each of :func:`action_entries` with what ``catalog.check_action`` says of it
    (an ``ActionStatus``): asked once per document for the rules that report each verdict
    (APL201, APL202, APL203)."""
    def statuses() -> tuple[tuple[Item, Any], ...]:
        items = tuple(action_entries(document))
        return tuple(zip(items, catalog.check_actions([item.value for item in items])))

    return document.query(("action_statuses", catalog), statuses)


def resource_entries(document: PolicyDocument) -> Iterator[Item]:
    """Every Resource and NotResource entry that is a plain string, with the literals of every
    Fn::If branch (statements in branches included)."""
    for statement in (*document.statements, *document.branch_statements):
        for item in (*statement.resources, *statement.branch_resources):
            if item.value is not None:
                yield item


# No "{" inside, so a value of many "${" without "}" is searched in linear time, not quadratic.
_VARIABLE = regex.compile(r"\$\{[^{}]+\}")


def policy_variables(document: PolicyDocument) -> Iterator[tuple[JsonPath, str]]:
    """(path, first variable) of each string in a Resource, NotResource or a Condition's values
    that holds a policy variable such as ${aws:username}: what only Version 2012-10-17 expands."""
    if not document.may_hold_placeholder:
        return
    for statement in document.statements:
        for path, text in _variable_texts(statement):
            match = _VARIABLE.search(text) if isinstance(text, str) else None
            if match:
                yield path, match.group()


def _variable_texts(statement: Statement) -> Iterator[tuple[JsonPath, object]]:
    """The values of Resource, NotResource and the Condition's values, with their paths.
    Inside an intrinsic (Fn::Sub), ${...} is CloudFormation's, not IAM's: never descended into."""
    from .source import iter_nodes

    for key in ("Resource", "NotResource"):  # both, when a statement wrongly has both
        value = statement.data.get(key)
        if holds_placeholder(value):
            yield from iter_nodes(value, statement.path + (key,), prune=_is_intrinsic)
    for condition in statement.conditions:
        for item in condition.values:
            if holds_placeholder(item.value):
                yield from iter_nodes(item.value, item.path, prune=_is_intrinsic)


def holds_placeholder(value: Any) -> bool:
    """Whether some text of ``value`` (a string, or a structure of them) may hold "${": False
    means surely none does. A structure is asked through its repr, in C (see PolicyDocument._marks)."""
    return "${" in (value if isinstance(value, str) else repr(value))


def statement_list(data: Any) -> list[tuple[JsonPath, Any]]:
    """The statements of a document as (path, value) pairs; Statement may be one mapping.

    A list (an Amplify custom-policies.json) is itself the list of statements.
    """
    if isinstance(data, list):
        return list(((i,), s) for i, s in enumerate(data))
    if not isinstance(data, dict):
        return []
    statements = data.get("Statement")
    if isinstance(statements, list):
        return [(("Statement", i), s) for i, s in enumerate(statements)]
    if isinstance(statements, dict) and not _is_intrinsic(statements):
        return [(("Statement",), statements)]
    return []


def normalise(data: Any, implicit_effect: str | None = None) -> tuple[Statement, ...]:
    result = []
    for path, raw in statement_list(data):
        if not isinstance(raw, dict) or _is_intrinsic(raw):
            continue
        effect = raw.get("Effect", implicit_effect)
        sid = raw.get("Sid")
        condition = raw.get("Condition")
        action_key = "Action" if "Action" in raw else "NotAction" if "NotAction" in raw else None
        resource_key = "Resource" if "Resource" in raw else "NotResource" if "NotResource" in raw else None
        principal_key = "Principal" if "Principal" in raw else "NotPrincipal" if "NotPrincipal" in raw else None
        actions = branch_actions = resources = branch_resources = ()
        if action_key:
            value, at = raw[action_key], path + (action_key,)
            actions, branch_actions = _entries(value, at), _branch_items(value, at)
        if resource_key:
            value, at = raw[resource_key], path + (resource_key,)
            resources, branch_resources = _entries(value, at), _branch_items(value, at)
        blocks, unknown = _conditions(condition, path + ("Condition",))
        result.append(Statement(  # the fields in order, as positional arguments (a statement is built per entry)
            path, raw, sid if isinstance(sid, str) else None, effect if effect in ("Allow", "Deny") else None,
            action_key, actions, resource_key, resources, principal_key,
            raw[principal_key] if principal_key else None, condition, blocks, branch_actions, branch_resources,
            unknown))
    return tuple(result)


def _entries(value: Any, at: JsonPath) -> tuple[Item, ...]:
    """The entries of an Action/NotAction/Resource/NotResource value written at ``at``."""
    if isinstance(value, str):
        return (Item(value, at),)
    if isinstance(value, list):
        return tuple([Item(v if isinstance(v, str) else None, at + (i,)) for i, v in enumerate(value)])
    if value is None:
        return ()
    return (Item(None, at),)


_NO_VALUE = {"Ref": "AWS::NoValue"}


def _if_branches(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, Any]]:
    """The branches of an ``Fn::If`` (nested ones opened too), without ``AWS::NoValue``."""
    branches = value.get("Fn::If") if isinstance(value, dict) and len(value) == 1 else None
    if not (isinstance(branches, list) and len(branches) == 3):
        return
    for index in (1, 2):
        branch, branch_path = branches[index], path + ("Fn::If", index)
        if branch == _NO_VALUE:
            continue
        if isinstance(branch, dict) and "Fn::If" in branch:
            yield from _if_branches(branch, branch_path)
        else:
            yield branch_path, branch


def _branch_items(value: Any, path: JsonPath) -> tuple[Item, ...]:
    """The literal entries inside Fn::If branches of an Action/Resource value: the whole value,
    or an entry of its list."""
    if not isinstance(value, (dict, list)):
        return ()  # a string (or nothing): no Fn::If
    if isinstance(value, list) and not any(issubclass(kind, dict) for kind in set(map(type, value))):
        return ()  # only a mapping can be an Fn::If: the entries' types are told apart in C
    found: list[Item] = []
    entries = ([(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list)
               else [(None, value)])
    for index, entry in entries:
        entry_path = path if index is None else path + (index,)
        for branch_path, branch in _if_branches(entry, entry_path):
            if isinstance(branch, str):
                found.append(Item(branch, branch_path))
            elif isinstance(branch, list) and index is None:
                found.extend(Item(v, branch_path + (i,)) for i, v in enumerate(branch) if isinstance(v, str))
    return tuple(found)


def branch_statements(data: Any, implicit_effect: str | None = None) -> tuple[Statement, ...]:
    """The statements written in Fn::If branches of the Statement list (or of Statement itself)."""
    if not isinstance(data, dict):
        return ()  # a bare list (custom-policies.json) is copied by the Amplify CLI, not a template's
    statements = data.get("Statement")
    entries = list(enumerate(statements)) if isinstance(statements, list) else [(None, statements)]
    base: JsonPath = ("Statement",)
    found: list[Statement] = []
    for index, entry in entries:
        entry_path = base if index is None else base + (index,)
        for branch_path, branch in _if_branches(entry, entry_path):
            if isinstance(branch, dict) and not _is_intrinsic(branch):
                # Normalised as a one-statement list, its paths then moved under the branch.
                (statement,) = normalise([branch], implicit_effect) or (None,)
                if statement is not None:
                    found.append(_moved(statement, branch_path))
    return tuple(found)


def _moved(statement: Statement, path: JsonPath) -> Statement:
    """``statement`` (normalised at path (0,)) with every path under ``path`` instead."""
    from .records import replace

    def move(p: JsonPath) -> JsonPath:
        return path + tuple(p[1:])

    def items(values: tuple[Item, ...]) -> tuple[Item, ...]:
        return tuple(Item(i.value, move(i.path)) for i in values)

    blocks, unknown = _conditions(statement.condition, path + ("Condition",))
    return replace(statement, path=path, actions=items(statement.actions), resources=items(statement.resources),
                   branch_actions=items(statement.branch_actions),
                   branch_resources=items(statement.branch_resources), condition_blocks=blocks,
                   condition_unknown=unknown)


def _conditions(condition: Any, path: JsonPath) -> tuple[tuple[ConditionBlock, ...], bool]:
    """The Statement fields of a Condition: its blocks, and whether any part is unreadable."""
    if condition is None:
        return (), False
    if not isinstance(condition, dict) or _is_intrinsic(condition):
        return (), True
    blocks = []
    unknown = False
    for name, block in condition.items():
        operator = parse_operator(str(name))
        operator_path = path + (name,)
        if not isinstance(block, dict) or _is_intrinsic(block):
            blocks.append(ConditionBlock(operator, operator_path, None))
            unknown = True
            continue
        tests = []
        for key, values in block.items():
            key_path = operator_path + (key,)
            listed = isinstance(values, list)
            if listed:
                items = tuple(ConditionValue(v, key_path + (i,)) for i, v in enumerate(values))
            else:
                items = (ConditionValue(values, key_path),)
            tests.append(Condition(operator, key, items, key_path, operator_path, listed))
        blocks.append(ConditionBlock(operator, operator_path, tuple(tests)))
    return tuple(blocks), unknown


def _is_intrinsic(value: Any) -> bool:
    """A CloudFormation intrinsic function: a one-key mapping like {"Ref": ...} or {"Fn::If": ...}."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return key == "Ref" or key == "Condition" or (isinstance(key, str) and key.startswith("Fn::"))


is_intrinsic = _is_intrinsic


# CloudFormation dynamic references ({{resolve:ssm:/name}}, {{resolve:secretsmanager:...}},
# {{resolve:ssm-secure:...}}) are replaced by their value at deploy time:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
DYNAMIC_REFERENCE = "{{resolve:"
# Whose documents CloudFormation deploys (Serverless Framework deploys through it too).
_CLOUDFORMATION_CONTAINERS = ("cloudformation", "serverless")
# Stands for a value known only at deploy time, as an intrinsic does: every rule that cannot
# decide about an intrinsic stays quiet about it.
DYNAMIC_REFERENCE_MASK = "Fn::DynamicReference"


def make_document(**fields: Any) -> PolicyDocument:
    """A PolicyDocument with its statements normalised from its data."""
    if fields.get("container") in _CLOUDFORMATION_CONTAINERS and _mentions(fields["source"].text, DYNAMIC_REFERENCE):
        fields["data"] = _mask_dynamic_references(fields["data"])
    statements = normalise(fields["data"], fields.get("implicit_effect"))
    branches = branch_statements(fields["data"], fields.get("implicit_effect")) if _has_if(fields) else ()
    return PolicyDocument(statements=statements, branch_statements=branches, **fields)


def _has_if(fields: dict[str, Any]) -> bool:
    """Only CloudFormation has Fn::If (a cheap look at the text before a walk)."""
    source = fields.get("source")
    return source is not None and (_mentions(source.text, "Fn::If") or _mentions(source.text, "!If"))


@caching.lru_cache(maxsize=16)
def _mentions(text: str, word: str) -> bool:
    """``word in text``, once per file: a template holds hundreds of documents, each asking
    about the same text (a str caches its hash, so the lookup does not read it again)."""
    return word in text


def _mask_dynamic_references(value: Any) -> Any:
    """``value`` with each string holding a dynamic reference made an unknown value (a copy
    of what changes; the value itself when nothing does)."""
    if isinstance(value, str):
        return {DYNAMIC_REFERENCE_MASK: value} if DYNAMIC_REFERENCE in value else value
    if isinstance(value, dict):
        members: Any = value.items()
    elif isinstance(value, list):
        members = enumerate(value)
    else:
        return value
    copy = None
    for key, item in members:
        replaced = _mask_dynamic_references(item)
        if replaced is not item:
            copy = value.copy() if copy is None else copy
            copy[key] = replaced
    return value if copy is None else copy
