"""Stage 7 entry point: a decision record as a page (`hurdlec report`), Markdown or one HTML file."""

from __future__ import annotations

from typing import Literal

from hurdlelang.record.model import DecisionRecord
from hurdlelang.report.html import render_html
from hurdlelang.report.markdown import render_markdown

Format = Literal["md", "html"]
RENDERERS = {"md": render_markdown, "html": render_html}


def render(record: DecisionRecord, fmt: Format) -> str:
    return RENDERERS[fmt](record)
