"""A griffe extension for the API reference: reStructuredText habits to Markdown.

reskontro's docstrings are written to be read in a terminal and run as
doctests: examples are bare ``>>>`` sessions, tables are reStructuredText
simple tables, and cross-references use Sphinx roles (``:class:`Money```).
mkdocstrings renders Markdown, where a ``>>>`` line is a nested block quote.
This extension rewrites each docstring before it is rendered: doctest
sessions and simple tables become fenced code blocks, and roles become code
spans. The source docstrings stay as they are.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(
    r":(?:class|meth|func|mod|attr|data|exc|obj):`(~?)(?:([^`<]+?)\s*<[^`>]+>|([^`]+))`"
)
_TABLE_BORDER = re.compile(r"^\s*=+(?: +=+)+\s*$")
_SECTION = re.compile(r"^(\s*)(Args|Arguments|Parameters|Attributes):\s*$")
_SHARED_ITEM = re.compile(r"^(\s+)([A-Za-z_]\w*(?:, [A-Za-z_]\w*)+): (.*)$")


def _role(match: re.Match[str]) -> str:
    tilde, title, target = match.groups()
    if title:
        return f"`{title.strip()}`"
    return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"


def _table(block: list[str]) -> list[str]:
    """A reStructuredText simple table as a Markdown table (a text block if it is not one)."""
    spans = [m.span() for m in re.finditer(r"=+", block[0])]
    borders = [i for i, line in enumerate(block) if _TABLE_BORDER.match(line)]
    rows: list[list[str]] = []
    header: list[str] | None = None
    for i, line in enumerate(block):
        if i in borders:
            if len(borders) == 3 and i == borders[1] and rows:
                header = rows.pop()
            continue
        cells = [
            line[start : spans[k + 1][0] if k + 1 < len(spans) else None].strip()
            for k, (start, _) in enumerate(spans)
        ]
        if rows and not cells[0]:
            # a continuation line: its text belongs to the row above
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells)
    if header is None:
        header = [""] * len(spans)
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(_ROLE.sub(_role, c) for c in cells) + " |"
    return [row(header), "|" + "---|" * len(spans), *(row(r) for r in rows)]


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _split_shared_items(lines: list[str]) -> list[str]:
    """``a, b: text`` in an Args or Attributes section, as one item per name."""
    out: list[str] = []
    section_indent: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        header = _SECTION.match(line)
        if header:
            section_indent = header.group(1)
        elif line.strip() and section_indent is not None and len(_indent(line)) <= len(
            section_indent
        ):
            section_indent = None
        shared = _SHARED_ITEM.match(line) if section_indent is not None else None
        if shared is None:
            out.append(line)
            i += 1
            continue
        indent, names, first = shared.groups()
        more = []
        i += 1
        while i < len(lines) and lines[i].strip() and len(_indent(lines[i])) > len(indent):
            more.append(lines[i])
            i += 1
        for name in names.split(", "):
            out.extend([f"{indent}{name}: {first}", *more])
    return out


def markdown(text: str) -> str:
    """*text* with doctest sessions and simple tables fenced, and roles as code spans."""
    lines = _split_shared_items(text.splitlines())
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        starts_session = line.lstrip().startswith(">>>")
        starts_table = bool(_TABLE_BORDER.match(line))
        if starts_session or starts_table:
            indent = _indent(line)
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            if starts_session:
                out.extend([f"{indent}```pycon", *block, f"{indent}```"])
            else:
                out.extend(f"{indent}{row}" for row in _table(block))
            continue
        out.append(_ROLE.sub(_role, line))
        i += 1
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Rewrite every docstring with :func:`markdown` as griffe loads it."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
