"""JSON with comments (``.vscode/settings.json``, ``tsconfig.json``, ``devcontainer.json``):
read loosely, only to tell what an unparsable ``.json`` file is.

IAM and CloudFormation accept no comments, so a policy written with them is still APL001;
but an editor's settings file that happens to mention ``"Statement"`` is no policy, and a
commit must not be blocked for it (README: such files are skipped). The linter never checks
what this module returns; it only asks whether its root is a policy-bearing structure.
"""
from __future__ import annotations

import json

_MISSING = object()


def loose_load(text: str) -> Any:
    """The data of ``text`` read as JSON with ``//`` and ``/* */`` comments and trailing
    commas, or ``_MISSING`` (see :func:`parsed`) when even that does not parse."""
    try:
        return json.loads(_strip(text))
    except (ValueError, RecursionError):
        return _MISSING


def parsed(value: Any) -> bool:
    return value is not _MISSING


def _strip(text: str) -> str:
    """``text`` without comments and without a comma right before ``}`` or ``]``, in one
    linear pass that keeps strings as they are."""
    out: list[str] = []
    i, n = 0, len(text)
    pending_comma = -1  # index in out of a comma that a closing bracket may cancel
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            pending_comma = -1
            i = j + 1
            continue
        if c == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if c in "}]" and pending_comma >= 0:
            out[pending_comma] = " "
        if c == ",":
            pending_comma = len(out)
        elif not c.isspace():
            pending_comma = -1
        out.append(c)
        i += 1
    return "".join(out)
