"""What a rule may consult besides the document: the action catalog and the settings that
change rule behaviour."""
from __future__ import annotations


from . import caching
from .catalog import Catalog

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Mapping


class Context:
    """What checks may consult besides the document: the action catalog, loaded on first
    use, and the settings that change rule behaviour."""

    def __init__(self, accounts: frozenset[str] = frozenset(), assume_complete: bool = False,
                 size_quotas: Mapping[str, int] | None = None, cache_dir: str | None = None) -> None:
        self.accounts = accounts
        self.cache_dir = cache_dir
        self.assume_complete = assume_complete
        self.size_quotas: Mapping[str, int] = dict(size_quotas or {})

    def __repr__(self) -> str:
        return f"Context(accounts={self.accounts!r}, assume_complete={self.assume_complete!r})"

    @caching.cached_property
    def catalog(self) -> Catalog:
        return Catalog(cache_dir=self.cache_dir)  # reads nothing until a rule asks about a service
