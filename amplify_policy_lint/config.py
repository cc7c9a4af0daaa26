"""Settings: what to check and how strictly. Built from the command line and, where present,
a configuration file; read by the linter, never changed after construction.

Configuration files (DESIGN.md section 9), the nearest one wins, walking up from the current
directory to the repository root (the nearest directory that holds ``.git``):

- ``.amplify-policy-lint.yaml`` or ``.amplify-policy-lint.yml`` (top-level keys),
- ``pyproject.toml``, table ``[tool.amplify-policy-lint]``,
- ``setup.cfg``, section ``[amplify-policy-lint]``.

In one directory they are tried in that order; a pyproject.toml or setup.cfg without our
table is passed over. Only one file is used (files are not merged). The common case, no
configuration at all, costs a few ``stat`` calls: TOML, INI and YAML readers are imported only
when a file is actually read, and pyproject.toml / setup.cfg are parsed only when their text
mentions ``amplify-policy-lint``.
"""
from __future__ import annotations

import os

from . import regex
from .model import Rule, Severity
from .records import NamedTuple
from .rules import INDEX, UNREADABLE, RuleRef, find

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Callable, Mapping

YAML_NAME = ".amplify-policy-lint.yaml"
# The other spelling of the YAML extension is read too (after the first, in one directory).
YML_NAME = ".amplify-policy-lint.yml"
CONFIG_NAMES = (YAML_NAME, YML_NAME, "pyproject.toml", "setup.cfg")
SECTION = "amplify-policy-lint"
KEYS = ("select", "ignore", "severity", "fail-on", "per-file-ignores", "exclude", "principals",
        "accounts", "baseline", "policy-files", "size-quotas",
        "respect-gitignore", "skip-generated")

# The size quotas (characters without whitespace) a user may set for APL501: ``policy`` for a
# plain policy file, whose use the linter cannot know (default: a customer managed policy),
# and ``trust`` for a role trust policy (AWS raises it on request, L-C07B4B0D).
SIZE_QUOTA_KEYS = ("policy", "trust")


class ConfigError(Exception):
    """A bad option or configuration value: a one-line message, exit code 2."""


class Settings(NamedTuple):
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # (The empty mappings below are shared defaults: settings are never changed.)
    severity: Mapping[str, Severity] = {}
    fail_on: Severity = Severity.WARNING
    kind: str = "auto"
    policy_globs: tuple[str, ...] = ()
    # Gitignore-style patterns, relative to base_dir.
    exclude: tuple[str, ...] = ()
    # Glob (relative to base_dir) -> rule selectors whose findings are dropped in those files.
    per_file_ignores: Mapping[str, tuple[str, ...]] = {}
    # Principal name -> globs (relative to base_dir) of the files evaluated as that principal.
    principals: Mapping[str, tuple[str, ...]] = {}
    accounts: frozenset[str] = frozenset()
    assume_complete: bool = False
    jobs: int = 1
    # The configuration file in use (None: none), and the directory that the paths and globs
    # in it are relative to (None: the current directory).
    config_file: str | None = None
    base_dir: str | None = None
    # A baseline file to filter findings with (absolute, or relative to the current directory).
    baseline: str | None = None
    # Report inline directives and baseline entries that suppress nothing (APL900).
    report_unused_suppressions: bool = False
    # APL501's quotas set by the user (see SIZE_QUOTA_KEYS): name -> characters.
    size_quotas: Mapping[str, int] = {}
    # Directory walks skip what .gitignore files ignore, and generated copies (discover.py).
    respect_gitignore: bool = True
    skip_generated: bool = True
    # Where the compact catalog is kept (catalog_cache.py); None keeps none. The command line
    # sets it from the environment; a library caller chooses.
    cache_dir: str | None = None

    def enabled_rules(self) -> tuple[RuleRef, ...]:
        chosen = set(expand_selectors(self.select)) if self.select else {r.id for r in INDEX}
        ignored = set(expand_selectors(self.ignore))
        named = {r.id for s in self.ignore for r in find(s) if s.strip().upper() == r.id or s.strip() == r.name}
        always = {rule_id for rule_id in UNREADABLE if rule_id not in named}
        return tuple(r for r in INDEX if (r.id in chosen and r.id not in ignored) or r.id in always)

    def severity_of(self, rule: Rule, default: Severity) -> Severity:
        return self.severity.get(rule.id, default)


def expand_selectors(selectors: tuple[str, ...]) -> list[str]:
    """Rule ids named by selectors; an unknown selector is a ConfigError."""
    ids = []
    for selector in selectors:
        if not selector.strip():
            continue
        rules = find(selector)
        if not rules:
            raise ConfigError(unknown_rule(selector))
        ids.extend(rule.id for rule in rules)
    return ids


def unknown_rule(selector: str) -> str:
    """The message for a rule selector that names no rule, with the closest ids or names."""
    import difflib

    text = selector.strip()
    if text[:3].upper() == "APL":  # an id: one character off, not any id of the same shape
        close = difflib.get_close_matches(text.upper(), [r.id for r in INDEX], n=2, cutoff=0.8)
    else:
        close = difflib.get_close_matches(text.lower(), [r.name for r in INDEX], n=2, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown rule {selector!r}{hint} (see --list-rules)"


# ---------------------------------------------------------------------------------------------
# Finding and reading configuration files


class FileConfig(NamedTuple):
    """A configuration file, read and checked. ``values`` holds only the keys the file sets,
    already normalised (see ``_NORMALISERS``); paths in it are absolute."""

    path: str
    base_dir: str
    values: Mapping[str, Any]


def find_config(start: str | None = None) -> str | None:
    """The configuration file that applies to a run from ``start`` (default: the current
    directory), or None. Stops at the repository root (a directory holding ``.git``), or at
    the file-system root outside a repository."""
    directory = os.path.abspath(start or os.curdir)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate) and _has_our_section(candidate, name):
                from .globs import shown

                return shown(candidate)
        if os.path.exists(os.path.join(directory, ".git")):
            return None
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


_SECTION_LINE = regex.compile(r"(?m)^\s*\[amplify-policy-lint\]\s*$")
_LIST_SEPARATOR = regex.compile(r"[,\n]")
_ACCOUNT_ID = regex.compile(r"[0-9]{12}")


def _has_our_section(path: str, name: str) -> bool:
    if name in (YAML_NAME, YML_NAME):
        return True
    text = _read_text(path)
    if SECTION not in text:  # cheap: no parser is imported for other tools' files
        return False
    if name == "setup.cfg":  # a section header is the name in brackets, on a line of its own
        return f"[{SECTION}]" in text and _SECTION_LINE.search(text) is not None
    return _toml_table(path, text, required=False) is not None


def load_config(path: str) -> FileConfig:
    """Read and check the configuration file at ``path`` (any of the three formats, chosen
    by its name: ``*.toml`` is pyproject-style, ``*.cfg`` / ``*.ini`` setup.cfg-style,
    anything else YAML). Every problem is a one-line ConfigError naming the file and key."""
    if not os.path.isfile(path):
        raise ConfigError(f"{path}: configuration file not found")
    text = _read_text(path)
    lower = path.lower()
    if lower.endswith(".toml"):
        raw, lines = _toml_table(path, text, required=True), {}
    elif lower.endswith((".cfg", ".ini")):
        raw, lines = _ini_section(path, text), {}
    else:
        raw, lines = _yaml_mapping(path, text)
    base_dir = os.path.dirname(os.path.abspath(path))
    values: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{path}:{lines[key]}" if key in lines else path
        if not isinstance(key, str) or key not in _NORMALISERS:
            raise ConfigError(f"{where}: unknown key {key!r}{_suggest(key)} "
                              f"(expected one of: {', '.join(KEYS)})")
        try:
            values[key] = _NORMALISERS[key](value, base_dir)
        except (ConfigError, ValueError, TypeError) as exc:
            raise ConfigError(f"{where}: key {key!r}: {exc}") from None
    return FileConfig(path, base_dir, values)


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: configuration file is not UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration file: {exc.strerror or exc}") from None


def _suggest(key: object) -> str:
    if not isinstance(key, str):
        return ""
    import difflib

    close = difflib.get_close_matches(key.replace("_", "-").lower(), KEYS, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _toml_table(path: str, text: str, required: bool) -> dict | None:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[import-not-found,no-redef]
        except ImportError:
            raise ConfigError(f"{path}: reading TOML on Python 3.10 needs the tomli package "
                              "(pip install tomli)") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    table = data.get("tool", {}).get(SECTION) if isinstance(data.get("tool"), dict) else None
    if table is None:
        if required:
            raise ConfigError(f"{path}: no [tool.{SECTION}] table")
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.{SECTION} must be a table")
    return table


def _ini_section(path: str, text: str) -> dict:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        raise ConfigError(f"{path}: invalid INI file: {' '.join(str(exc).split())}") from None
    if not parser.has_section(SECTION):
        raise ConfigError(f"{path}: no [{SECTION}] section")
    raw: dict[str, Any] = {}
    for key, value in parser.items(SECTION):
        raw[key] = _IniValue(value)
    return raw


class _IniValue(str):
    """An INI value: a string that list- and mapping-valued keys split themselves."""


def _yaml_mapping(path: str, text: str) -> tuple[dict, dict[str, int]]:
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise ConfigError(f"{path}: the configuration must be a mapping of keys to values")
        raw: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, str) and key in raw:
                raise ConfigError(f"{path}:{line}: key {key!r} appears twice")
            _no_duplicate_keys(value_node, path, yaml)
            raw[key] = loader.construct_object(value_node, deep=True)
            if isinstance(key, str):
                lines[key] = line
        return raw, lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None
    finally:
        loader.dispose()


def _no_duplicate_keys(node: Any, path: str, yaml: Any, visited: set[int] | None = None) -> None:
    # An aliased node is one object: check it once (walking every alias use of a "billion
    # laughs" configuration took forever).
    visited = set() if visited is None else visited
    if id(node) in visited:
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise ConfigError(f"{path}:{key_node.start_mark.line + 1}: "
                                      f"key {key_node.value!r} appears twice")
                seen.add(key_node.value)
            _no_duplicate_keys(value_node, path, yaml, visited)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _no_duplicate_keys(item, path, yaml, visited)


# ---------------------------------------------------------------------------------------------
# Values


def _strings(value: Any, what: str) -> tuple[str, ...]:
    """A list of strings; a string (INI, or a comma-separated YAML/TOML string) is split on
    commas and newlines."""
    if isinstance(value, str):
        return tuple(part.strip() for part in _LIST_SEPARATOR.split(value) if part.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value if item.strip())
    raise ConfigError(f"expected a list of {what}")


def _mapping(value: Any, what: str, split: str = "last") -> dict[str, Any]:
    """A mapping; in an INI file, one ``key: value`` per line (split at the first or last
    colon, whichever the key cannot contain)."""
    if isinstance(value, _IniValue):
        result: dict[str, Any] = {}
        for line in value.splitlines():
            if not line.strip():
                continue
            key, sep, rest = line.rpartition(":") if split == "last" else line.partition(":")
            if not sep or not key.strip():
                raise ConfigError(f"expected one '{what}' per line, got {line.strip()!r}")
            result[key.strip()] = rest.strip()
        return result
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise ConfigError(f"keys must be strings, got {key!r}")
        return value
    raise ConfigError(f"expected a mapping of {what}")


def _selectors(value: Any, _: str = "") -> tuple[str, ...]:
    selectors = _strings(value, "rule ids, id prefixes or names")
    expand_selectors(selectors)
    return selectors


def _severities(value: Any, _: str) -> dict[str, Severity]:
    entries = _mapping(value, "RULE: severity")
    parsed = []
    for selector, level in entries.items():
        if not isinstance(level, str):
            raise ConfigError(f"{selector}: expected error, warning or info, got {level!r}")
        rules = find(selector)
        if not rules:
            raise ConfigError(unknown_rule(selector))
        # An exact id or a name is more specific than a prefix such as APL3.
        exact = selector.strip().upper() in {r.id for r in rules} or selector.strip() in {r.name for r in rules}
        parsed.append((1 if exact else 0, len(selector), rules, Severity.parse(level)))
    result: dict[str, Severity] = {}
    for _exact, _length, rules, severity in sorted(parsed, key=lambda item: (item[0], item[1])):
        for rule in rules:
            result[rule.id] = severity
    return result


def _fail_on(value: Any, _: str) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f"expected error, warning or info, got {value!r}")
    return Severity.parse(value)


def _patterns(value: Any, _: str) -> tuple[str, ...]:
    from .globs import PathPattern

    patterns = _strings(value, "gitignore-style patterns")
    for pattern in patterns:
        PathPattern(pattern)
    return patterns


def _per_file_ignores(value: Any, _: str) -> dict[str, tuple[str, ...]]:
    from .globs import PathPattern

    result = {}
    for glob, selectors in _mapping(value, "GLOB: RULES").items():
        PathPattern(glob)
        try:
            result[glob] = tuple(expand_selectors(_strings(selectors, "rule ids, id prefixes or names")))
        except ConfigError as exc:
            raise ConfigError(f"{glob}: {exc}") from None
    return result


def _principals(value: Any, _: str) -> dict[str, tuple[str, ...]]:
    from .globs import PathPattern

    result = {}
    for name, globs in _mapping(value, "NAME: GLOBS", split="first").items():
        patterns = _strings(globs, "file globs")
        if not patterns:
            raise ConfigError(f"principal {name!r} has no file globs")
        for pattern in patterns:
            PathPattern(pattern)
        result[name] = patterns
    return result


def _accounts(value: Any, _: str) -> frozenset[str]:
    if isinstance(value, (list, tuple)) and any(isinstance(item, int) for item in value):
        raise ConfigError("write account ids as quoted strings ('012345678901'); a number "
                          "loses leading zeros")
    accounts = _strings(value, "12-digit account ids (as strings)")
    for account in accounts:
        if not _ACCOUNT_ID.fullmatch(account):
            raise ConfigError(f"{account!r} is not a 12-digit AWS account id")
    return frozenset(accounts)


def _size_quotas(value: Any, _: str) -> dict[str, int]:
    result = {}
    for name, number in _mapping(value, "NAME: CHARACTERS").items():
        if name not in SIZE_QUOTA_KEYS:
            raise ConfigError(f"unknown quota {name!r} (expected one of: {', '.join(SIZE_QUOTA_KEYS)})")
        try:
            quota = int(str(number).strip())
        except ValueError:
            raise ConfigError(f"{name}: expected a number of characters, got {number!r}") from None
        if quota < 1:
            raise ConfigError(f"{name}: expected a positive number of characters, got {number!r}")
        result[name] = quota
    return result


def _boolean(value: Any, _: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return value.strip().lower() in ("true", "yes", "on", "1")
    raise ConfigError(f"expected true or false, got {value!r}")


def _baseline(value: Any, base_dir: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("expected the path of a baseline file")
    return os.path.normpath(os.path.join(base_dir, value.strip()))


_NORMALISERS: dict[str, Callable[[Any, str], Any]] = {
    "select": _selectors,
    "ignore": _selectors,
    "severity": _severities,
    "fail-on": _fail_on,
    "per-file-ignores": _per_file_ignores,
    "exclude": _patterns,
    "principals": _principals,
    "accounts": _accounts,
    "baseline": _baseline,
    "policy-files": _patterns,
    "size-quotas": _size_quotas,
    "respect-gitignore": _boolean,
    "skip-generated": _boolean,
}


# ---------------------------------------------------------------------------------------------
# Command line + file -> Settings


def make_settings(config: FileConfig | None, *, select: tuple[str, ...] = (),
                  ignore: tuple[str, ...] = (), fail_on: Severity | None = None,
                  baseline: str | None = None, **options: Any) -> Settings:
    """Settings from a configuration file and command-line values.

    Precedence: ``--select`` replaces the configured ``select``; ``--ignore`` adds to the
    configured ``ignore`` (an ignore is a decision someone made; use ``--no-config`` to drop
    it); ``--fail-on`` and ``--baseline`` replace the configured values. Other keys exist only
    in the file. ``options`` are the command-line-only fields (kind, jobs, ...).
    """
    values = config.values if config is not None else {}
    expand_selectors(select)
    expand_selectors(ignore)
    return Settings(
        select=select or values.get("select", ()),
        ignore=tuple(values.get("ignore", ())) + tuple(ignore),
        severity=values.get("severity", {}),
        fail_on=fail_on or values.get("fail-on", Severity.WARNING),
        exclude=values.get("exclude", ()),
        per_file_ignores=values.get("per-file-ignores", {}),
        principals=values.get("principals", {}),
        accounts=values.get("accounts", frozenset()),
        baseline=baseline or values.get("baseline"),
        policy_globs=values.get("policy-files", ()),
        size_quotas=values.get("size-quotas", {}),
        respect_gitignore=values.get("respect-gitignore", True),
        skip_generated=values.get("skip-generated", True),
        config_file=config.path if config is not None else None,
        base_dir=config.base_dir if config is not None else None,
        **options,
    )
