"""Safe XML parsing and the one HTML allow-list every authored fragment goes through.

Authored content arrives as XML (OLX, or text typed in Studio). It is parsed with entity
resolution, DTD loading and network access switched off, and every piece of rich text is
reduced to a small set of harmless tags and attributes. The sanitised output is XHTML-style
(``<br/>``), so it is at the same time valid HTML for the browser and valid XML for export.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from lxml import etree

from .problems import N_, ContentError, Problem

# Tags kept as they are. Anything else that is not in DROPPED is unwrapped (text kept).
ALLOWED_TAGS = frozenset(
    """p br strong em b i u s small sub sup mark q cite code abbr span
    ul ol li dl dt dd blockquote h3 h4 h5 h6 hr a img
    table caption thead tbody tfoot tr th td""".split()
)
# Tags removed together with everything inside them.
DROPPED_TAGS = frozenset(
    """script style iframe frame frameset object embed applet template noscript
    form input button select option textarea svg math link meta base head title audio video
    source track canvas""".split()
)
VOID_TAGS = frozenset({"br", "hr", "img"})
# White space next to these is not rendered, so it is dropped to keep markup canonical.
BLOCK_TAGS = frozenset(
    "p ul ol li dl dt dd blockquote h3 h4 h5 h6 hr table caption thead tbody tfoot tr th td div".split()
)
GLOBAL_ATTRIBUTES = frozenset({"lang", "dir", "title"})
TAG_ATTRIBUTES = {
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "td": frozenset({"colspan", "rowspan"}),
    "ol": frozenset({"start"}),
    "abbr": frozenset({"title"}),
}
URL_ATTRIBUTES = frozenset({"href", "src"})
# Relative URLs (course assets are written /static/...) and these schemes only.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL_CHARS = re.compile(r"[\x00-\x20\x7f]+")
# HTML collapses white space anyway (no <pre> is allowed); collapsing it here makes the
# sanitised markup canonical, so indentation never changes a parsed scenario.
_WHITESPACE = re.compile(r"\s+")

_FORBIDDEN_DECLARATION = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(text: str | bytes, source: str | None = None) -> etree._Element:
    """Parse authored XML safely; raise :class:`ContentError` with the line on failure."""
    probe = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    match = _FORBIDDEN_DECLARATION.search(probe)
    if match:
        line = probe[: match.start()].count("\n") + 1
        raise ContentError([Problem(N_("DOCTYPE and ENTITY declarations are not allowed"), line=line)], source)
    if isinstance(text, str):
        text = text.encode("utf-8")
    try:
        return etree.fromstring(text, safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if getattr(exc, "position", None) else None)
        message = re.sub(r",? line \d+, column \d+", "", exc.msg or str(exc))
        raise ContentError([Problem(N_("not well-formed XML: {detail}"), {"detail": message}, line=line)], source) from None


def local_name(element) -> str | None:
    """The tag without namespace, or None for comments and processing instructions."""
    if not isinstance(element.tag, str):
        return None
    return etree.QName(element).localname


def _safe_url(value: str) -> bool:
    scheme = _SCHEME.match(_CONTROL_CHARS.sub("", value))
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def _attributes(tag: str, element) -> str:
    allowed = GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, frozenset())
    out = []
    for name, value in element.attrib.items():
        name = etree.QName(name).localname if name.startswith("{") else name
        if name not in allowed:
            continue
        if name in URL_ATTRIBUTES and not _safe_url(value):
            continue
        out.append(f' {name}="{escape(value, quote=True)}"')
    if tag == "a" and any(part.startswith(" href=") for part in out):
        out.append(' rel="noopener noreferrer"')
    if tag == "img" and "alt" not in element.attrib:
        out.append(' alt=""')
    return "".join(out)


def _text(value: str) -> str:
    return escape(_WHITESPACE.sub(" ", value), quote=False)


def _is_block(element) -> bool:
    return element is not None and local_name(element) in BLOCK_TAGS


def _keep(text: str | None, before, after) -> bool:
    """Whether a text node is worth writing: white space beside block elements is not."""
    if not text:
        return False
    return bool(text.strip()) or not (_is_block(before) or _is_block(after))


def _render(element, out: list[str]) -> None:
    tag = local_name(element)
    if tag is None or tag in DROPPED_TAGS:
        pass
    elif tag in ALLOWED_TAGS:
        out.append(f"<{tag}{_attributes(tag, element)}")
        if tag in VOID_TAGS:
            out.append("/>")
        else:
            out.append(">")
            _render_run(element.text, list(element), out)
            out.append(f"</{tag}>")
    else:
        _render_run(element.text, list(element), out)
    if _keep(element.tail, element, element.getnext()):
        out.append(_text(element.tail))


def _render_run(text: str | None, elements, out: list[str]) -> None:
    """Append leading text then each element (with its tail), sanitised."""
    if _keep(text, None, elements[0] if elements else None):
        out.append(_text(text))
    for element in elements:
        _render(element, out)


def sanitize_nodes(text: str | None, elements, strip: bool = True) -> str:
    """Sanitise a run of mixed content: leading text then a sequence of elements (with tails).

    ``strip=False`` keeps the white space at the run's edges, for a run that is one piece of a paragraph.
    """
    out: list[str] = []
    _render_run(text, list(elements), out)
    joined = "".join(out)
    return joined.strip() if strip else joined


def sanitize_element_content(element) -> str:
    """The sanitised inner markup of an XML element, trimmed of surrounding whitespace."""
    return sanitize_nodes(element.text, element)


def _wrap(markup: str):
    """Parse a markup string as the content of a ``<div>`` (raises XMLSyntaxError)."""
    return etree.fromstring(f"<div>{markup}</div>".encode(), safe_parser())


def sanitize_html(markup: str) -> str:
    """Sanitise a markup string (e.g. typed by an author in Studio).

    Markup that is not well-formed XML is treated as plain text, so nothing an author typed
    can turn into active content.
    """
    try:
        wrapper = _wrap(markup)
    except etree.XMLSyntaxError:
        return _text(markup).strip()
    return sanitize_element_content(wrapper)


def markup_to_nodes(markup: str):
    """Parse sanitised markup back into (text, [elements]) for export into XML."""
    wrapper = _wrap(markup)
    return wrapper.text, list(wrapper)


@lru_cache(maxsize=4096)
def plain_text(markup: str) -> str:
    """Markup without tags, whitespace collapsed: for reports, screen-reader labels, CSV.

    Kept for the next calls: the same prompts and labels come back on every request and report row."""
    try:
        text = "".join(_wrap(markup).itertext())
    except etree.XMLSyntaxError:
        text = markup
    return " ".join(text.split())
