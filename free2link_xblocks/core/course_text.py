"""The translatable text of OLX and HTML, as units a gettext catalogue can carry.

One English source gives four courses with the same structure: every piece of text a learner
reads becomes a *unit* (a msgid) and a build writes each unit's translation back in place.
A unit is one of:

* a translated attribute (``display_name``, ``title``, ...);
* the whole content of a text element whose descendants are all inline (``<p>``, ``<li>``,
  ``<label>``, ``<feedback>``...), inline markup included, so a translator can reorder a link,
  an emphasis or a red flag (``<flag id>``, ``<phrase id>``) within the sentence;
* a bare text run of an element that also holds block children (CAPA's ``<choice>`` text
  before its ``<choicehint>``).

Whitespace is collapsed in msgids, so re-indenting a file does not invalidate translations.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from lxml import etree

from .markup import local_name, parse_xml
from .problems import N_, ContentError

TRANSLATED_ATTRIBUTES = ("display_name", "title", "alt", "label", "source", "platform", "from", "format")
INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "br", "cite", "code", "em", "i", "kbd", "mark", "q", "s",
                         "small", "span", "strong", "sub", "sup", "time", "u"}) | {"flag", "phrase"}
# The red flags of an ``f2l_red_flags`` text: a translation keeps each one, with its id, exactly once.
MARK_TAGS = frozenset({"flag", "phrase"})
# Code, not prose: never offered for translation.
SKIPPED_TAGS = frozenset({"script", "style", "pre", "wiki", "answer", "responseparam", "formulaequationinput",
                          "textline", "numericalresponse"})
HTML_ROOT = "f2l-html-fragment"
_LETTER = re.compile(r"[^\W\d_]")


def collapse(text: str) -> str:
    return " ".join(text.split())


def has_words(text: str) -> bool:
    return bool(_LETTER.search(text))


@dataclass
class Unit:
    """One translatable piece of a parsed file, and where to put its translation back."""

    msgid: str
    line: int
    element: etree._Element
    where: str  # "attribute", "content", "text" (element.text) or "tail" (element.tail)
    attribute: str = ""


def _is_inline_only(element) -> bool:
    return all(isinstance(d.tag, str) and local_name(d) in INLINE_TAGS for d in element.iterdescendants())


def inner_markup(element) -> str:
    """The element's content as markup: text, inline children and their tails."""
    parts = [etree.tostring(child, encoding="unicode", with_tail=True) for child in element]
    return (element.text or "") + "".join(parts)


def text_units(root) -> list[Unit]:
    """Every unit of ``root`` in document order."""
    units: list[Unit] = []
    _collect(root, units)
    return units


def _collect(element, units: list[Unit]) -> None:
    if not isinstance(element.tag, str) or local_name(element) in SKIPPED_TAGS:
        return
    for name in TRANSLATED_ATTRIBUTES:
        value = element.get(name)
        if value and has_words(value):
            units.append(Unit(collapse(value), element.sourceline or 0, element, "attribute", name))
    if len(element) and _is_inline_only(element) or not len(element):
        content = collapse(inner_markup(element))
        if has_words(content):  # an HTML file of plain text (an about page's short description) is one unit
            units.append(Unit(content, element.sourceline or 0, element, "content"))
            return
        if not len(element):
            return
    if element.text and has_words(element.text):
        units.append(Unit(collapse(element.text), element.sourceline or 0, element, "text"))
    for child in element:
        _collect(child, units)
        if child.tail and has_words(child.tail):
            units.append(Unit(collapse(child.tail), child.sourceline or 0, child, "tail"))


class TranslationError(ValueError):
    """A translation that cannot be put back: broken markup, or markup that differs from the source.

    ``template`` is a message (marked for translation) with the placeholders ``{text}`` and ``{po}``.
    """

    def __init__(self, template: str):
        super().__init__(template)
        self.template = template


def _markup_signature(fragment) -> Counter:
    """The inline elements of a unit with their link targets: a translation must keep them all."""
    return Counter((local_name(e), e.get("href", "")) for e in fragment.iterdescendants() if isinstance(e.tag, str))


def _marks(fragment) -> Counter:
    """The red flags and phrases of a unit by id: a translation keeps every one exactly once."""
    # iterdescendants() filtered here: the platform's RestrictedElement cannot take several tags at once
    return Counter((local_name(e), e.get("id", "")) for e in fragment.iterdescendants() if local_name(e) in MARK_TAGS)


def apply_translation(unit: Unit, translation: str) -> None:
    """Write ``translation`` where ``unit`` came from; raise TranslationError if it does not fit."""
    element = unit.element
    if unit.where == "attribute":
        element.set(unit.attribute, translation)
    elif unit.where == "text":
        element.text = _keep_edges(element.text, translation)
    elif unit.where == "tail":
        element.tail = _keep_edges(element.tail, translation)
    else:
        try:
            fragment = parse_xml(f"<unit>{translation}</unit>", "translation")
        except ContentError as error:
            raise TranslationError(N_("the translation of {text} in {po} is not well-formed markup")) from error
        if _marks(fragment) != _marks(element):
            raise TranslationError(N_("the translation of {text} in {po} must keep each <flag id> and <phrase id> "
                                      "of the original exactly once, with the same id"))
        if _markup_signature(fragment) != _markup_signature(element):
            raise TranslationError(N_("the translation of {text} in {po} must keep the inline markup and links of "
                                      "the original"))
        for child in list(element):
            element.remove(child)
        element.text = fragment.text
        for child in list(fragment):
            element.append(child)


def _keep_edges(original: str | None, translation: str) -> str:
    """Keep the original's surrounding whitespace (indentation) around a translated text run."""
    original = original or ""
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()):]
    return lead + translation + trail


# ------------------------------------------------------------------ HTML files

def parse_html_fragment(text: str, source: str):
    """An OLX ``.html`` file (an XHTML fragment) under a wrapper element; lines stay the file's."""
    return parse_xml(f"<{HTML_ROOT}>{text}</{HTML_ROOT}>", source)


def serialize_html_fragment(root) -> str:
    return inner_markup(root)
