"""Edits to a JSON or YAML file, written the way the file's author writes it.

Rules build their fixes here (DESIGN.md section 12). Every builder returns the edits, in
character offsets of the file's text, or None when it cannot make the change exactly: a
policy inside a JSON string, a value reached through a YAML alias, a layout it does not
recognise. A rule then offers no fix; it never offers a guess.

The file's own style is kept: the new text copies the indentation unit and line ending of
the lines around it, member order (a new member goes where AWS writes it, or last), the
quote style and the block or flow style of YAML, and leaves every other byte, comments
included, as it was.
"""
from __future__ import annotations

import json
import re

from . import regex
from .model import Edit, Fix, JsonPath, Safety
from .policy import PolicyDocument
from .source import Source

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

_SPACE = " \t"


# ---------------------------------------------------------------------------------------------
# Reading the file's layout


def _editable(document: PolicyDocument) -> Source | None:
    """The document's source, when it is a JSON or YAML file read as it is written (a
    Serverless statement list, seen as a policy, included): not a policy written as a JSON
    string inside the file (whose characters are escaped), nor another language (Terraform,
    TypeScript), whose syntax these edits do not write."""
    from .inputs.common import StatementListSource

    source = document.source
    written = source.parent if type(source) is StatementListSource else source
    if type(written) is not Source or source.format not in ("json", "yaml"):
        return None
    return source


def _exact(source: Source, path: JsonPath, part: str = "value") -> tuple[int, int] | None:
    """Where the node at ``path`` was written, only if it was written there (not through a
    YAML alias, which would change every place that uses the anchor, nor a missing node)."""
    list_path = getattr(source, "list_path", None)
    if list_path is not None:
        # A Serverless statement list seen as a policy: its Statement is the list in the file.
        cut = len(list_path)
        if path[:cut] != list_path or path[cut:cut + 1] != ("Statement",):
            return None  # the synthetic Version, or the policy itself: not in the file
        source, path = source.parent, list_path + path[cut + 1:]  # type: ignore[attr-defined]
    table = source.table
    if table.resolve(path) != path:
        return None
    return table.key(path) if part == "key" else table.value(path)


def _written(document: PolicyDocument, path: JsonPath) -> tuple[Source, int, int, str] | None:
    """(source, start, end, text as written) of the value at ``path`` of the document, when it
    can be edited exactly."""
    source = _editable(document)
    found = _exact(source, tuple(document.base) + tuple(path)) if source is not None else None
    if source is None or found is None:
        return None
    return source, found[0], found[1], source.text[found[0]:found[1]]


def newline(text: str) -> str:
    """The file's line ending: CRLF when its first line break is one."""
    index = text.find("\n")
    return "\r\n" if index > 0 and text[index - 1] == "\r" else "\n"


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _indentation(text: str, offset: int) -> str | None:
    """The whitespace that starts the line of ``offset``, when only whitespace precedes it."""
    prefix = text[_line_start(text, offset):offset]
    return prefix if prefix.strip(_SPACE) == "" else None


def _line_indent(text: str, offset: int) -> str:
    """The whitespace at the start of the line of ``offset``."""
    start = _line_start(text, offset)
    line = text[start:offset]
    return line[:len(line) - len(line.lstrip(_SPACE))]


def yaml_quote(text: str) -> str:
    """The quote character a YAML file uses most for its quoted scalars (double by default)."""
    singles = len(re.findall(r"[:\-\[{,]\s*'", text))
    doubles = len(re.findall(r'[:\-\[{,]\s*"', text))
    return "'" if singles > doubles else '"'


def _yaml_string(value: str, quote: str) -> str:
    if quote == "'":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


# A plain YAML scalar that every YAML 1.1 and 1.2 reader reads back as this same string.
_PLAIN = regex.compile(r"[A-Za-z][A-Za-z0-9_.:/*${}\-]*\Z")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _get_att(value: Any) -> str | None:
    """``!GetAtt Role.Arn`` for ``{"Fn::GetAtt": ["Role", "Arn"]}`` (CloudFormation's short form)."""
    if isinstance(value, dict) and list(value) == ["Fn::GetAtt"]:
        target = value["Fn::GetAtt"]
        if isinstance(target, list) and len(target) == 2 and all(isinstance(t, str) for t in target):
            return f"!GetAtt {target[0]}.{target[1]}"
    return None


def _yaml_scalar(value: Any, quote: str) -> str:
    short = _get_att(value)
    if short is not None:
        return short
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML11_WORDS and ": " not in text and " #" not in text:
        return text
    return _yaml_string(text, quote)


# ---------------------------------------------------------------------------------------------
# Scalars


def quote_scalar(document: PolicyDocument, path: JsonPath) -> tuple[Edit, ...] | None:
    """A plain YAML scalar (``2012-10-17``, ``123456789012``) written as a quoted string with
    the same text, in the quote style of the file."""
    written = _written(document, path)
    if written is None or written[0].format != "yaml":
        return None
    source, start, end, raw = written
    if not raw or any(c in raw for c in "'\"\\\r\n#"):
        return None
    quote = yaml_quote(source.text)
    return (Edit(document.file, start, end, f"{quote}{raw}{quote}"),)


def replace_in_string(document: PolicyDocument, path: JsonPath, old: str, new: str) -> tuple[Edit, ...] | None:
    """``old`` replaced by ``new`` inside the string at ``path``, quotes and all else kept."""
    written = _written(document, path)
    if written is None:
        return None
    _, start, _, raw = written
    if raw.count(old) != 1:
        return None
    at = start + raw.index(old)
    return (Edit(document.file, at, at + len(old), new),)


def wrap_in_list(document: PolicyDocument, path: JsonPath) -> tuple[Edit, ...] | None:
    """A string value written as a one-element list: ``"s3:GetObject"`` -> ``["s3:GetObject"]``."""
    written = _written(document, path)
    if written is None:
        return None
    source, start, end, raw = written
    if not raw or "\n" in raw or (source.format == "yaml" and raw[0] in "|>"):
        return None
    return (Edit(document.file, start, end, f"[{raw}]"),)


# ---------------------------------------------------------------------------------------------
# Mapping members


def insert_first_member(document: PolicyDocument, mapping: JsonPath, key: str,
                        value: str) -> tuple[Edit, ...] | None:
    """``key: value`` (a string) as the first member of the mapping at ``mapping``, laid out
    like the member it goes before (where AWS writes ``Version``)."""
    source = _editable(document)
    path = tuple(document.base) + tuple(mapping)
    data = _data_at(document, mapping)
    if source is None or not isinstance(data, dict) or not data:
        return None
    first = next(iter(data))
    found = _exact(source, path)
    key_range = _exact(source, path + (first,), "key")
    value_range = _exact(source, path + (first,))
    if found is None or key_range is None or value_range is None:
        return None
    text = source.text
    opening, (key_start, key_end) = found[0], key_range
    separator = text[key_end:value_range[0]]
    if source.format == "yaml" and ("\n" in separator or "#" in separator):
        separator = ": "  # the first member's value starts on a line of its own
    if "\n" in separator or "#" in separator or ":" not in separator:
        return None
    if source.format == "json":
        new_member = f"{json.dumps(key)}{separator}{json.dumps(value, ensure_ascii=False)}"
    else:
        quote = text[key_start] if text[key_start] in "'\"" else ""
        new_key = _yaml_string(key, quote) if quote else key
        new_member = f"{new_key}{separator}{_yaml_string(value, yaml_quote(text))}"
    if text[opening] == "{":  # JSON, or a YAML flow mapping
        gap = text[opening + 1:key_start]
        if gap.strip(" \t\r\n") or "#" in gap:
            return None
        after = gap if gap else (" " if separator.endswith(" ") else "")
        return (Edit(document.file, key_start, key_start, f"{new_member},{after}"),)
    if opening != key_start:  # a block mapping starts at its first key
        return None
    indent = _indentation(text, key_start)
    if indent is None:  # the first member follows "- " on its line
        prefix = text[_line_start(text, key_start):key_start]
        if prefix.strip(_SPACE + "-") or "\t" in prefix:
            return None
        indent = " " * len(prefix)
    return (Edit(document.file, key_start, key_start, f"{new_member}{newline(text)}{indent}"),)


def append_member(document: PolicyDocument, mapping: JsonPath, key: str, value: Any) -> tuple[Edit, ...] | None:
    """``key: value`` added as the last member of the mapping at ``mapping`` (which lacks
    ``key``), laid out like the members before it: on their line, or on a line of its own with
    their indentation, nested values indented by the file's unit."""
    source = _editable(document)
    data = _data_at(document, mapping)
    if source is None or not isinstance(data, dict) or not data or key in data:
        return None
    path = tuple(document.base) + tuple(mapping)
    found = _exact(source, path)
    names = list(data)
    last_key = _exact(source, path + (names[-1],), "key")
    if found is None or last_key is None:
        return None
    text = source.text
    eol = newline(text)
    if text[found[0]] == "{":
        if source.format != "json":
            return None  # a YAML flow mapping: rare for statements, not guessed at
        last_value = _exact(source, path + (names[-1],))
        if last_value is None:
            return None
        before = found[0] + 1
        if len(names) > 1:
            previous = _exact(source, path + (names[-2],))
            if previous is None:
                return None
            before = previous[1]
        gap = text[before:last_key[0]]
        if gap.strip(" \t\r\n,") or gap.count(",") > 1:
            return None
        gap = gap.rpartition(",")[2]  # the white space after the comma
        separator = text[last_key[1]:last_value[0]]
        if "\n" in gap:
            indent = _line_indent(text, last_key[0])
            unit = _json_indent_unit(source, path, data, _line_indent(text, found[0]))
            rendered = _json_block(value, unit, _inline_lists(source, path, data)).replace("\n", eol + indent)
            member = f",{eol}{indent}{json.dumps(key)}{separator}{rendered}"
        else:
            rendered = json.dumps(value, ensure_ascii=False, separators=(", ", separator.strip() + " "))
            member = f",{gap or ' '}{json.dumps(key)}{separator}{rendered}"
        return (Edit(document.file, last_value[1], last_value[1], member),)
    # A block mapping: a line of its own at the column of the other keys.
    line_end = _after_content(source, path, data)
    if line_end is None:
        return None
    column = last_key[0] - _line_start(text, last_key[0])
    parent = _data_at(document, mapping[:-1]) if mapping else None
    unit = _yaml_indent_unit(source, path[:-1], parent) if isinstance(parent, list) else 2
    body = _yaml_block({key: value}, unit, yaml_quote(text)).split("\n")
    rendered = "".join(eol + " " * column + line for line in body)
    return (Edit(document.file, line_end, line_end, rendered),)


def _data_at(document: PolicyDocument, path: JsonPath) -> Any:
    value = document.data
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


# ---------------------------------------------------------------------------------------------
# List items


def remove_list_item(document: PolicyDocument, sequence: JsonPath, index: int) -> tuple[Edit, ...] | None:
    """Item ``index`` of the list at ``sequence`` taken out with its separator, the rest of
    the layout kept (a block sequence item with its whole line)."""
    source = _editable(document)
    items = _data_at(document, sequence)
    if source is None or not isinstance(items, list) or len(items) < 2 or not 0 <= index < len(items):
        return None
    path = tuple(document.base) + tuple(sequence)
    ranges = [_exact(source, path + (i,)) for i in range(len(items))]
    found = _exact(source, path)
    if found is None or any(r is None or isinstance(items[i], (dict, list)) for i, r in enumerate(ranges)):
        return None
    text = source.text
    start, end = ranges[index]  # type: ignore[misc]
    if text[found[0]] == "[":  # JSON or a YAML flow sequence
        if index + 1 < len(ranges):
            cut = (start, ranges[index + 1][0])  # type: ignore[index]
        else:
            cut = (ranges[index - 1][1], end)  # type: ignore[index]
        between = text[cut[0]:cut[1]]
        if "#" in between.replace(text[start:end], ""):
            return None
        return (Edit(document.file, cut[0], cut[1], ""),)
    # A block sequence: "- item" alone on its line(s), no comment on it.
    line_start = _line_start(text, start)
    if text[line_start:start].strip(_SPACE) != "-":
        return None
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end + 1
    rest = text[end:line_end]
    if rest.strip(" \t\r\n"):
        return None
    return (Edit(document.file, line_start, line_end, ""),)


def append_list_item(document: PolicyDocument, sequence: JsonPath, value: Any) -> tuple[Edit, ...] | None:
    """``value`` (a mapping of strings and lists of strings) added after the last item of the
    non-empty list at ``sequence``, written like that item: on one line or indented, with the
    file's indentation unit, line ending and quotes."""
    source = _editable(document)
    items = _data_at(document, sequence)
    if source is None or not isinstance(items, list) or not items:
        return None
    path = tuple(document.base) + tuple(sequence)
    found = _exact(source, path)
    last = _exact(source, path + (len(items) - 1,))
    if found is None or last is None:
        return None
    if source.text[found[0]] == "[":
        if source.format != "json":
            return None  # a YAML flow sequence of statements: not worth guessing its layout
        return _append_json(document, source, found, path, items, value)
    return _append_yaml_block(document, source, path, items, value)


def _append_json(document: PolicyDocument, source: Source, found: tuple[int, int], path: JsonPath,
                 items: list, value: Any) -> tuple[Edit, ...] | None:
    text = source.text
    last_start, last_end = _exact(source, path + (len(items) - 1,))  # type: ignore[misc]
    before = (_exact(source, path + (len(items) - 2,)) or (0, 0))[1] if len(items) > 1 else found[0] + 1
    gap = text[before:last_start]
    if gap.strip(" \t\r\n,"):
        return None
    eol = newline(text)
    one_line = "\n" not in text[last_start:last_end]
    if one_line:
        separators = (", ", ": ") if '": ' in text[last_start:last_end] or not isinstance(items[-1], dict) else (",", ":")
        rendered = json.dumps(value, ensure_ascii=False, separators=separators)
    else:
        base = _line_indent(text, last_end - 1)
        unit = _json_indent_unit(source, path + (len(items) - 1,), items[-1], base)
        inline = _inline_lists(source, path + (len(items) - 1,), items[-1])
        rendered = _json_block(value, unit, inline).replace("\n", eol + base)
    if "\n" in gap:
        separator = "," + eol + _line_indent(text, last_start)
    else:
        separator = ", "
    return (Edit(document.file, last_end, last_end, separator + rendered),)


def _inline_lists(source: Source, path: JsonPath, item: Any) -> bool:
    """Whether the item writes its lists of strings on one line (``"Action": ["a", "b"]``)."""
    if not isinstance(item, dict):
        return False
    for key, member in item.items():
        if isinstance(member, list) and member and all(isinstance(m, str) for m in member):
            found = _exact(source, path + (key,))
            if found is not None:
                return "\n" not in source.text[found[0]:found[1]]
    return False


def _json_block(value: Any, unit: str, inline_lists: bool, depth: int = 0) -> str:
    """``json.dumps(value, indent=unit)``, with lists of strings on one line when the file
    writes them so ("\n"-separated lines, nested levels indented by ``unit``)."""
    if isinstance(value, dict) and value:
        pad, inner = unit * depth, unit * (depth + 1)
        members = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_json_block(v, unit, inline_lists, depth + 1)}"
                   for k, v in value.items()]
        return "{\n" + ",\n".join(members) + "\n" + pad + "}"
    if isinstance(value, list) and value and not (inline_lists and all(isinstance(v, str) for v in value)):
        pad, inner = unit * depth, unit * (depth + 1)
        return "[\n" + ",\n".join(inner + _json_block(v, unit, inline_lists, depth + 1) for v in value) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _json_indent_unit(source: Source, item_path: JsonPath, item: Any, base: str) -> str:
    """The indentation one level adds, from the item's first member; two spaces by default."""
    if isinstance(item, dict) and item:
        key = _exact(source, item_path + (next(iter(item)),), "key")
        if key is not None:
            indent = _indentation(source.text, key[0])
            if indent is not None and indent.startswith(base) and len(indent) > len(base):
                return indent[len(base):]
    return "\t" if base.startswith("\t") else "  "


def _append_yaml_block(document: PolicyDocument, source: Source, path: JsonPath, items: list,
                       value: Any) -> tuple[Edit, ...] | None:
    text = source.text
    first_start = _exact(source, path + (0,))
    if first_start is None:
        return None
    dash = text.rfind("-", _line_start(text, first_start[0]), first_start[0])
    if dash < 0 or text[_line_start(text, dash):dash].strip(_SPACE):
        return None
    dash_indent = text[_line_start(text, dash):dash]
    item_column = first_start[0] - dash  # "- " usually: where the item's content starts
    if not isinstance(items[0], dict) or item_column < 2:
        return None
    line_end = _after_content(source, path + (len(items) - 1,), items[-1])
    if line_end is None:
        return None
    eol = newline(text)
    unit = _yaml_indent_unit(source, path, items)
    body = _yaml_block(value, unit, yaml_quote(text))
    pad = dash_indent + " " * item_column
    lines = body.split("\n")
    rendered = dash_indent + "-" + " " * (item_column - 1) + lines[0]
    rendered += "".join(eol + pad + line for line in lines[1:])
    return (Edit(document.file, line_end, line_end, eol + rendered),)


def _after_content(source: Source, path: JsonPath, value: Any) -> int | None:
    """The end of the line (before its line break) where the block value at ``path`` ends: where
    a new line after it is inserted (a comment at the end of that line stays on it)."""
    end = _content_end(source, path, value)
    if end is None:
        return None
    text = source.text
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if line_end > 0 and text[line_end - 1] == "\r":
        line_end -= 1
    return line_end


def _content_end(source: Source, path: JsonPath, value: Any) -> int | None:
    """Where the last scalar written inside ``value`` ends (a block mapping's own end mark
    lies at the next token, past comments)."""
    from .source import iter_nodes

    ends = []
    for sub, node in iter_nodes(value, path):
        if isinstance(node, (dict, list)) and node:
            continue
        found = _exact(source, sub)
        if found is None:
            return None
        ends.append(found[1])
    if not ends:
        return None
    end = max(ends)
    while end > 0 and source.text[end - 1] in "\r\n":
        end -= 1
    return end


def _yaml_indent_unit(source: Source, path: JsonPath, items: list) -> int:
    """Spaces a nested block adds in the file: from a nested key of the statements, or 2."""
    text = source.text
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        for key, member in item.items():
            if isinstance(member, (dict, list)) and member:
                outer = _exact(source, path + (index, key), "key")
                inner_path = path + (index, key, next(iter(member)) if isinstance(member, dict) else 0)
                inner = _exact(source, inner_path, "key" if isinstance(member, dict) else "value")
                if outer is None or inner is None:
                    continue
                outer_col = outer[0] - _line_start(text, outer[0])
                inner_line = _line_start(text, inner[0])
                if inner_line == _line_start(text, outer[0]):
                    continue  # flow style on the key's line
                inner_col = inner[0] - inner_line
                if isinstance(member, list):
                    dash = text.rfind("-", inner_line, inner[0])
                    inner_col = dash - inner_line if dash >= 0 else inner_col
                    if inner_col == outer_col:
                        return 2  # an indentless sequence: the unit is not told here
                if inner_col > outer_col:
                    return inner_col - outer_col
    return 2


def _yaml_block(value: Any, unit: int, quote: str) -> str:
    """A mapping of scalars, lists and mappings as block-style YAML ("\\n"-separated lines)."""
    lines: list[str] = []
    _yaml_lines(value, 0, unit, quote, lines)
    return "\n".join(lines)


def _yaml_lines(value: Any, depth: int, unit: int, quote: str, lines: list[str]) -> None:
    pad = " " * (depth * unit)
    for key, member in value.items():
        name = _yaml_scalar(key, quote)
        if isinstance(member, dict) and member and _get_att(member) is None:
            lines.append(f"{pad}{name}:")
            _yaml_lines(member, depth + 1, unit, quote, lines)
        elif isinstance(member, list) and member:
            lines.append(f"{pad}{name}:")
            inner = " " * ((depth + 1) * unit)
            for element in member:
                lines.append(f"{inner}- {_yaml_scalar(element, quote)}")
        else:
            lines.append(f"{pad}{name}: {_yaml_scalar(member, quote)}")


# ---------------------------------------------------------------------------------------------
# Fixes more than one rule offers


CURRENT_VERSION = "2012-10-17"
LEGACY_VERSION = "2008-10-17"


def version_fix(document: PolicyDocument) -> Fix | None:
    """``"Version": "2012-10-17"`` added first to a document without one, or written over
    2008-10-17. Safe when no policy variable depends on the version (the statements then mean
    the same under both languages); unsafe when one does (it starts being expanded)."""
    from .policy import policy_variables

    data = document.data
    if not isinstance(data, dict):
        return None
    if "Version" not in data:
        edits = insert_first_member(document, (), "Version", CURRENT_VERSION)
        description = f'add "Version": "{CURRENT_VERSION}"'
    elif data["Version"] == LEGACY_VERSION:
        edits = replace_in_string(document, ("Version",), LEGACY_VERSION, CURRENT_VERSION)
        description = f"replace Version {LEGACY_VERSION} by {CURRENT_VERSION}"
    else:
        return None
    if not edits:
        return None
    variable = next(policy_variables(document), None)
    if variable is None:
        return Fix(Safety.SAFE, description, edits)
    return Fix(Safety.UNSAFE, f"{description} ({variable[1]} is then expanded)", edits)


def add_statement(document: PolicyDocument, statement: dict, description: str) -> Fix | None:
    """An unsafe fix that adds ``statement`` after the document's last statement. In an Amplify
    custom-policies.json (a bare list) Action and Resource are written as lists, as the Amplify
    CLI requires."""
    data = document.data
    sids = {s.sid for s in document.statements}
    if statement.get("Sid") in sids:  # a second one for other apps: Sids must stay unique
        number = 2
        while f"{statement['Sid']}{number}" in sids:
            number += 1
        statement = {**statement, "Sid": f"{statement['Sid']}{number}"}
    if isinstance(data, list) and document.bare_statements:
        statement = {key: ([value] if key in ("Action", "Resource") and isinstance(value, str) else value)
                     for key, value in statement.items()}
        edits = append_list_item(document, (), statement)
    elif isinstance(data, dict) and isinstance(data.get("Statement"), list):
        edits = append_list_item(document, ("Statement",), statement)
    else:
        return None
    return Fix(Safety.UNSAFE, description, edits) if edits else None
