"""Files shipped inside the package (the policy schema, the PassRole table)."""
from __future__ import annotations

import os


def read_text(*parts: str) -> str:
    """The text of the package file at ``parts`` (e.g. ``"data", "passrole_actions.json"``)."""
    # Read beside this module: importing importlib.resources costs a hook run more than the
    # read itself. It remains the way for a package that is not unpacked on disk (a zip).
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), *parts), encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        from importlib import resources

        return resources.files(__package__).joinpath(*parts).read_text(encoding="utf-8")
