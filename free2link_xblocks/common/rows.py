"""Rows that a page repeats many times (a quiz's indicators and their marking), rendered from precompiled
``str.format`` templates instead of Django's template engine.

Django resolves, localises and escapes each ``{{ }}`` of a template one node at a time, a few microseconds
each; a quiz's result has about 17 of them a row, so with 40 indicators its rows were 80 % of a submit's time.
A row template is a file of the block's ``templates/`` folder with ``{name}`` fields, read once per process.
:meth:`RowTemplate.render` escapes every value as Django's autoescape does (``conditional_escape``: text is
escaped, ``mark_safe`` markup kept as is), so the HTML is what the engine would have made.
"""

from __future__ import annotations

import html
import importlib.resources
import string
from functools import cache

from django.utils.safestring import SafeData, SafeString


def _escaped(value) -> str:
    """Django's ``conditional_escape`` without its lazy-string wrapper, the main cost left in a row."""
    kind = type(value)
    if kind is SafeString:
        return value
    if kind is str:
        return html.escape(value)
    if kind is int:
        return str(value)
    return value.__html__() if isinstance(value, SafeData) else html.escape(str(value))


class RowTemplate:
    def __init__(self, text: str):
        self.text = text.rstrip("\n")
        # Split once at its fields: a render joins the pieces (``format_map`` would parse the text each time).
        self.pieces = [(literal, name) for literal, name, _spec, _conversion in string.Formatter().parse(self.text)]

    def render(self, **values) -> SafeString:
        escaped = {name: _escaped(value) for name, value in values.items()}
        return SafeString("".join([literal + escaped[name] if name is not None else literal
                                   for literal, name in self.pieces]))


@cache
def row_template(block_package: str, name: str) -> RowTemplate:
    """The row template ``name`` of the block's templates folder (read once per process)."""
    return RowTemplate(importlib.resources.files(block_package).joinpath("templates", name).read_text("utf-8"))
