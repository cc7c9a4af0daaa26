"""A bare policy file (``.json``, ``.yaml``): a mapping with ``Statement`` (each document of
a YAML stream is one). Its principal is the file itself; the configuration's ``principals``
may group several files into one."""
from __future__ import annotations


from ..model import PrincipalKey
from ..policy import DocKind, make_document, statement_list
from ..source import Source
from . import Located, PrincipalInfo

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterable

# Trust policies hold only these actions (DESIGN.md section 4).
_TRUST_ACTIONS = ("sts:assumerole", "sts:tagsession", "sts:setsourceidentity")


def recognises(data: dict) -> bool:
    return "Statement" in data


def locate(source: Source) -> Located:
    principal = PrincipalInfo(PrincipalKey("file", source.name), f"the policies of {source.name}")
    documents = []
    for base, data in source.roots():
        kind = policy_kind(data)
        documents.append(make_document(
            file=source.name, source=source, base=base, data=data, kind=kind,
            label=f"{kind.value} policy", principals=(principal.id,), container="policy"))
    return Located(tuple(documents), (principal,))


def policy_kind(data: Any) -> DocKind:
    """With Principal it is a resource (or trust) policy, else identity."""
    statements = [s for _, s in statement_list(data) if isinstance(s, dict)]
    with_principal = [s for s in statements if "Principal" in s or "NotPrincipal" in s]
    if not with_principal:
        return DocKind.IDENTITY
    actions = [a.lower() for s in with_principal for a in _strings(s.get("Action"))]
    if actions and all(a.startswith(_TRUST_ACTIONS) for a in actions):
        return DocKind.TRUST
    return DocKind.RESOURCE


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()
