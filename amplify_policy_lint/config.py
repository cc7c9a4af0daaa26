"""Settings: what to check and how strictly. Built from the command line (and, where
present, a configuration file); read by the linter, never changed after construction."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .model import Rule, Severity
from .rules import RULES, find

# Findings of these rules mean the file could not be read at all; --select never hides
# them (only an explicit --ignore does), so that a broken file cannot pass silently.
UNREADABLE = ("APL001", "APL003", "APL004")


class ConfigError(Exception):
    """A bad option or configuration value: a one-line message, exit code 2."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING
    kind: str = "auto"
    policy_globs: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    principals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    accounts: frozenset[str] = frozenset()
    assume_complete: bool = False
    jobs: int = 1

    def enabled_rules(self) -> tuple[Rule, ...]:
        chosen = set(expand_selectors(self.select)) if self.select else {r.id for r in RULES}
        ignored = set(expand_selectors(self.ignore))
        named = {r.id for s in self.ignore for r in find(s) if s.strip().upper() == r.id or s.strip() == r.name}
        always = {rule_id for rule_id in UNREADABLE if rule_id not in named}
        return tuple(r for r in RULES if (r.id in chosen and r.id not in ignored) or r.id in always)

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
            raise ConfigError(f"unknown rule {selector!r} (see --list-rules)")
        ids.extend(rule.id for rule in rules)
    return ids
