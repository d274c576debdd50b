"""Narrative content shared by every block: rich text, chat conversations and job adverts.

A step of a scenario (and the case of an indicator quiz) is a sequence of parts, in the
order the author wrote them::

    <p>Amira, 19, shows you a message.</p>
    <chat platform="Instagram">
      <message from="Elena_Jobs" time="21:04">Hi beautiful! ...</message>
      <message from="Amira" self="true">Really?</message>
    </chat>
    <advert source="Job portal" title="Hostess wanted">...</advert>

Everything is sanitised when it is parsed, so the model only ever holds safe markup.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from .markup import local_name, markup_to_nodes, parse_xml, sanitize_element_content, sanitize_nodes
from .problems import N_, ContentError, Problem

TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no"}


@dataclass(frozen=True)
class RichText:
    """Sanitised author markup (paragraphs, lists, links...)."""

    markup: str


@dataclass(frozen=True)
class Message:
    """One message of a chat; ``is_self`` marks the person the learner is helping."""

    sender: str
    markup: str
    is_self: bool = False
    time: str = ""


@dataclass(frozen=True)
class Chat:
    platform: str
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class Advert:
    """A job advert or online post shown as a card."""

    source: str
    title: str
    markup: str


Part = RichText | Chat | Advert


def parse_bool(value: str | None, default: bool, problems: list, what: str, line=None, node_id=None,
               node_kind="step") -> bool:
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    problems.append(
        Problem(N_("{what} must be true or false, not \"{value}\""), {"what": what, "value": value}, node_id, line,
                node_kind=node_kind)
    )
    return default


def parse_chat(element, problems, node_id, read_message=None) -> Chat:
    """A ``<chat>`` of ``<message from time self>``; ``read_message(element, sender, is_self, time)`` reads a
    message's content another way (the red flags read theirs into selectable passages)."""
    messages = []
    for child in element:
        tag = local_name(child)
        if tag is None:
            continue
        if tag != "message":
            problems.append(
                Problem(N_("<chat> may only contain <message> elements, not <{tag}>"), {"tag": tag}, node_id,
                        child.sourceline)
            )
            continue
        sender = (child.get("from") or "").strip()
        if not sender:
            problems.append(Problem(N_("a chat <message> needs a from=\"...\" attribute"), {}, node_id, child.sourceline))
        is_self = parse_bool(child.get("self"), False, problems, "self", child.sourceline, node_id)
        time = (child.get("time") or "").strip()
        messages.append(read_message(child, sender, is_self, time) if read_message else
                        Message(sender, sanitize_element_content(child), is_self, time))
    if not messages:
        problems.append(Problem(N_("<chat> has no messages"), {}, node_id, element.sourceline))
    return Chat((element.get("platform") or "").strip(), tuple(messages))


def parse_parts(elements, problems: list, node_id: str | None, stop_tags=frozenset(), leading_text=None) -> tuple:
    """Group a node's children into content parts; children named in ``stop_tags`` are skipped.

    Consecutive rich-text elements are merged into one :class:`RichText` so that the model
    does not depend on how the author split paragraphs.
    """
    parts: list[Part] = []
    pending: list = []
    pending_text = leading_text if leading_text and leading_text.strip() else None

    def flush():
        nonlocal pending, pending_text
        markup = sanitize_nodes(pending_text, pending) if (pending or pending_text) else ""
        if markup:
            parts.append(RichText(markup))
        pending, pending_text = [], None

    for element in elements:
        tag = local_name(element)
        if tag in stop_tags:
            flush()
            # Text after a structural element (its tail) belongs to the narrative.
            if element.tail and element.tail.strip():
                pending_text = element.tail
            continue
        if tag == "chat":
            flush()
            parts.append(parse_chat(element, problems, node_id))
            if element.tail and element.tail.strip():
                pending_text = element.tail
        elif tag == "advert":
            flush()
            parts.append(
                Advert((element.get("source") or "").strip(), (element.get("title") or "").strip(),
                       sanitize_element_content(element))
            )
            if element.tail and element.tail.strip():
                pending_text = element.tail
        else:
            pending.append(element)
    flush()
    return tuple(parts)


def append_markup(parent, markup: str) -> None:
    """Append sanitised markup (text and child elements) to ``parent``, after what it holds."""
    text, children = markup_to_nodes(markup)
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + (text or "")
    else:
        parent.text = (parent.text or "") + (text or "")
    for child in children:
        parent.append(child)


def append_parts(parent, parts) -> None:
    """Write content parts as children of ``parent`` in the readable OLX form."""
    for part in parts:
        if isinstance(part, RichText):
            append_markup(parent, part.markup)
        elif isinstance(part, Chat):
            chat = etree.SubElement(parent, "chat")
            if part.platform:
                chat.set("platform", part.platform)
            for message in part.messages:
                node = etree.SubElement(chat, "message")
                node.set("from", message.sender)
                if message.is_self:
                    node.set("self", "true")
                if message.time:
                    node.set("time", message.time)
                append_markup(node, message.markup)
        elif isinstance(part, Advert):
            advert = etree.SubElement(parent, "advert")
            if part.source:
                advert.set("source", part.source)
            if part.title:
                advert.set("title", part.title)
            append_markup(advert, part.markup)


def indent_structure(element, structural: set, level: int = 0) -> None:
    """Indent the elements named in ``structural`` for readable OLX; rich text keeps its own white space."""
    if local_name(element) not in structural or not len(element):
        return
    inner = "\n" + "  " * (level + 1)
    if not (element.text or "").strip():
        element.text = inner
    for child in element:
        if not (child.tail or "").strip():
            child.tail = inner
        indent_structure(child, structural, level + 1)
    last = element[-1]
    if not (last.tail or "").strip():
        last.tail = "\n" + "  " * level


def load_checked(parse_element, text: str | bytes, source: str | None = None):
    """Parse XML with a block's ``parse_element``; raise :class:`ContentError` listing every error."""
    model, problems = parse_element(parse_xml(text, source))
    if any(p.is_error for p in problems):
        raise ContentError(problems, source)
    return model


@lru_cache(maxsize=256)
def content_version(text: str) -> str:
    """A short fingerprint of stored content, to notice edits made while a learner is in the middle."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
