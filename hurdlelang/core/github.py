"""GitHub Actions workflow commands (`::error file=...,line=...::message`), escaped by GitHub's rules.

A workflow command is a line the runner parses, so whatever is interpolated into one must not be
able to end it or add to it: a file name or a message holding a newline would start a command of
its own, one holding `,` or `:` in a property would add or end properties. GitHub's rules
(actions/toolkit, command.ts): in the message `%` -> `%25`, CR -> `%0D`, LF -> `%0A`; in property
values also `:` -> `%3A` and `,` -> `%2C`.
"""

from __future__ import annotations

LEVELS = ("notice", "warning", "error")
PROPERTY_ORDER = ("file", "line", "col", "endLine", "endColumn", "title")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(level: str, message: str, **properties: str | int | None) -> str:
    """One annotation command; properties left as None are not written."""
    if level not in LEVELS:
        raise ValueError(f"not an annotation level: {level}")
    unknown = set(properties) - set(PROPERTY_ORDER)
    if unknown:
        raise ValueError(f"not annotation properties: {sorted(unknown)}")
    props = ",".join(
        f"{name}={escape_property(str(properties[name]))}"
        for name in PROPERTY_ORDER
        if properties.get(name) is not None
    )
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"
