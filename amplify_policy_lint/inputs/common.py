"""What every locator needs: collecting documents and principals, policies given as JSON
strings, CloudFormation's ``Fn::If`` alternatives, and lists of statements."""
from __future__ import annotations


from ..embedded import EmbeddedSource, embed, written
from ..model import JsonPath, PrincipalKey
from ..policy import DocKind, PolicyDocument, is_intrinsic, make_document
from ..records import NamedTuple
from ..source import InputViolation, LineIndex, Source
from . import Located, PrincipalInfo

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterable, Iterator

NO_VALUE = {"Ref": "AWS::NoValue"}
# How the label of a VPC endpoint policy starts (the document says so in ``vpc_endpoint``).
ENDPOINT_POLICY = "VPC endpoint policy"


class Pending(NamedTuple):
    """A document found, whose principals may still grow (its fields and list are filled in)."""

    fields: dict[str, Any]
    principals: list[PrincipalKey]


class Collector:
    """Documents and principals of one file, built up by a locator."""

    def __init__(self, source: Source, container: str) -> None:
        self.source = source
        self.container = container
        self.pending: list[Pending] = []
        self.principals: dict[PrincipalKey, PrincipalInfo] = {}
        self.problems: list[InputViolation] = []

    def principal(self, principal_id: PrincipalKey, label: str, complete: bool = True) -> PrincipalKey:
        known = self.principals.get(principal_id)
        if known is not None:
            label, complete = known.label, known.complete and complete
        self.principals[principal_id] = PrincipalInfo(principal_id, label, complete)
        return principal_id

    def incomplete(self, principal_id: PrincipalKey) -> None:
        known = self.principals.get(principal_id)
        if known is not None and known.complete:
            self.principals[principal_id] = PrincipalInfo(known.id, known.label, False)

    def add(self, path: JsonPath, kind: DocKind, label: str, principals: tuple[PrincipalKey, ...] = (),
            *, source: Source | None = None, implicit_effect: str | None = None,
            data_override: Any = None, resource_type: str | None = None,
            vpc_endpoint: bool = False) -> "Pending | None":
        """A document at ``path`` of ``source`` (a mapping, or a JSON string parsed again).

        Returns None when nothing can be checked there: an intrinsic function, a string that
        does not parse (reported as an input problem), a value of another type. The
        ``principals`` are then incomplete: they hold a policy the linter cannot read.
        """
        pending = self._read(path, kind, label, principals, source, implicit_effect, data_override)
        if pending is not None and resource_type is not None:
            pending.fields["resource_type"] = resource_type
        if pending is not None and vpc_endpoint:
            pending.fields["vpc_endpoint"] = True
        if pending is None:
            for principal_id in principals:
                self.incomplete(principal_id)
        else:
            self.pending.append(pending)
        return pending

    def _read(self, path: JsonPath, kind: DocKind, label: str, principals: tuple[PrincipalKey, ...],
              source: Source | None, implicit_effect: str | None, data_override: Any) -> "Pending | None":
        source = source or self.source
        relative = relative_path(source, path)
        value = data_override if data_override is not None else value_at(source.data, relative)
        base: JsonPath = path
        if isinstance(value, str):
            if source.format == "yaml" and written(source, relative).startswith("!"):
                return None  # a preprocessor's tag (!Rain::Embed file.json): not the policy itself
            embedded, problems = embed(source, relative)
            self.problems.extend(problems)
            if embedded is None:
                return None
            source, base, value = embedded, embedded.prefix, embedded.data
        elif not isinstance(value, (dict, list)) or is_intrinsic(value):
            return None
        pending = Pending(dict(file=source.name, source=source, base=base, data=value, kind=kind,
                                label=label, container=self.container,
                                implicit_effect=implicit_effect), list(principals))
        return pending

    def attach(self, pending: "Pending", principal_id: PrincipalKey) -> None:
        if principal_id not in pending.principals:
            pending.principals.append(principal_id)

    def attach_all(self, documents: "Iterable[Pending | None]", principal_id: PrincipalKey) -> None:
        """A policy's documents extend the principal; one that could not be read (None)
        makes it incomplete."""
        for pending in documents:
            if pending is None:
                self.incomplete(principal_id)
            else:
                self.attach(pending, principal_id)

    def documents(self) -> tuple[PolicyDocument, ...]:
        return tuple(make_document(principals=tuple(p.principals), **p.fields) for p in self.pending)

    def located(self, reason: str) -> Located:
        documents = self.documents()
        return Located(documents, tuple(self.principals.values()), "" if documents else reason,
                       tuple(self.problems))


def relative_path(source: Source, path: JsonPath) -> JsonPath:
    """``path`` (in the file's path space) relative to ``source``'s own data."""
    if isinstance(source, EmbeddedSource):
        return tuple(path)[len(source.prefix):]
    return tuple(path)


def value_at(data: Any, path: JsonPath) -> Any:
    for part in path:
        data = data[part]
    return data


def get(mapping: Any, key: str) -> Any:
    """``mapping[key]`` when ``mapping`` is a mapping, else None."""
    return mapping.get(key) if isinstance(mapping, dict) else None


def alternatives(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, Any]]:
    """``value`` itself, or each branch of an ``Fn::If`` (nested ones too), without
    ``AWS::NoValue``: a conditional policy may be deployed, so each branch is checked."""
    stack = [(path, value)]
    while stack:
        current, item = stack.pop()
        if item == NO_VALUE:
            continue
        branches = item.get("Fn::If") if isinstance(item, dict) and len(item) == 1 else None
        if isinstance(branches, list) and len(branches) == 3:
            stack.extend(reversed([(current + ("Fn::If", i), branches[i]) for i in (1, 2)]))
            continue
        yield current, item


def list_items(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, Any]]:
    """The entries of a list property, through ``Fn::If`` on the list and on its entries.

    A lone value (not a list) counts as a list of one, as several properties allow.
    """
    for list_path, items in alternatives(value, path):
        if isinstance(items, list):
            for index, item in enumerate(items):
                yield from alternatives(item, list_path + (index,))
        elif items is not None:
            yield list_path, items


class StatementListSource(Source):
    """A bare list of statements (Serverless ``iam.role.statements``) seen as the policy
    ``{"Version": "2012-10-17", "Statement": [...]}`` the framework deploys.

    Paths below ``base + ("Statement",)`` are answered at the list in the file; the
    synthetic ``Version`` has no position of its own (the list's opening stands for it).
    """

    def __init__(self, parent: Source, list_path: JsonPath) -> None:
        statements = value_at(parent.data, list_path)
        self.parent = parent
        self.list_path = tuple(list_path)
        self.synthetic_data = {"Version": "2012-10-17", "Statement": statements}
        cut = len(self.list_path)
        super().__init__(parent.name, parent.text, parent.format,
                         {"Version": "2012-10-17", "Statement": statements},
                         yaml_scalars={self.list_path + ("Statement",) + p[cut:]: s
                                       for p, s in parent.yaml_scalars.items() if p[:cut] == self.list_path})

    @property
    def lines(self) -> LineIndex:  # type: ignore[override]
        return self.parent.lines

    def value_range(self, path: JsonPath, part: str = "value") -> tuple[int, int]:
        path = tuple(path)
        cut = len(self.list_path)
        if path[:cut] == self.list_path and path[cut:cut + 1] == ("Statement",):
            return self.parent.value_range(self.list_path + path[cut + 1:], part)
        if path[:cut] == self.list_path:
            return self.parent.value_range(self.list_path, "opening")
        return self.parent.value_range(path, part)

