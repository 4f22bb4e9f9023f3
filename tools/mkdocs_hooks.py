"""MkDocs build hook: pages include README sections and generated files instead of copies.

In a page, ``{{ readme "Heading text" }}`` becomes that README section's body (up to the
next heading, so the title section is the README's introduction) and
``{{ include "path/from/repo/root.md" }}`` a file's text with its first heading dropped, so
the site never drifts from the README or the benchmark results. An unknown heading or a
missing file fails the build.
"""

from __future__ import annotations

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_DIRECTIVE = re.compile(r'\{\{\s*(readme|include)\s+"([^"]+)"\s*\}\}')
_HEADING = re.compile(r"^(#{1,6}) (.*)$")


def _read(rel: str) -> str:
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def readme_section(heading: str, text: str | None = None) -> str:
    """The body of the README section titled `heading` (fenced code is not a heading)."""
    lines = (_read("README.md") if text is None else text).splitlines()
    start = None
    fenced = False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        if m is None:
            continue
        if start is None:
            if m.group(2).strip() == heading:
                start = i + 1
        else:
            return "\n".join(lines[start:i]).strip() + "\n"
    if start is None:
        raise KeyError(f"README.md has no section {heading!r}")
    return "\n".join(lines[start:]).strip() + "\n"


def include(rel: str) -> str:
    lines = _read(rel).splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(lines).strip() + "\n"


def expand(markdown: str) -> str:
    def sub(m):
        if m.group(1) == "readme":
            # README's links into docs/ are relative to the repository; the page is in docs/.
            return readme_section(m.group(2)).replace("](docs/", "](")
        return include(m.group(2))

    return _DIRECTIVE.sub(sub, markdown)


def on_page_markdown(markdown, page=None, config=None, files=None):  # MkDocs' hook signature
    return expand(markdown)
