"""Open edX conventions both blocks follow, beside their learner view: the mobile app's data,
course search, the content's language, Studio's unit page, and ``/static/`` links in handler HTML.

Mixed into each block before :class:`Free2LinkBlock`; every method reads the block, none stores.
"""

from __future__ import annotations

from web_fragments.fragment import Fragment

from ..core.content import Advert, Chat, RichText
from ..core.markup import plain_text

# Block types of the course tree above a unit, as Open edX names them: the walk up stops at "course".
_COURSE_TYPE = "course"
_MAX_DEPTH = 8


def parts_data(parts) -> list[dict]:
    """A narrative as JSON for a native client: sanitised HTML, chats message by message, adverts."""
    data = []
    for part in parts:
        if isinstance(part, RichText):
            data.append({"type": "text", "html": part.markup})
        elif isinstance(part, Chat):
            data.append({"type": "chat", "platform": part.platform,
                         "messages": [{"from": m.sender, "html": m.markup, "self": m.is_self, "time": m.time}
                                      for m in part.messages]})
        elif isinstance(part, Advert):
            data.append({"type": "advert", "source": part.source, "title": part.title, "html": part.markup})
    return data


def parts_text(parts) -> str:
    """A narrative as plain text, for the course search index."""
    texts = []
    for part in parts:
        if isinstance(part, RichText):
            texts.append(plain_text(part.markup))
        elif isinstance(part, Chat):
            texts.extend(plain_text(m.markup) for m in part.messages)
        elif isinstance(part, Advert):
            texts.extend([part.title, plain_text(part.markup)])
    return " ".join(t for t in texts if t)


class OpenEdxConventions:
    """What both blocks offer the platform beyond ``student_view`` (each block adds its own data)."""

    has_author_view = True  # Studio's unit page shows author_view: an overview, not the block being played

    # ------------------------------------------------------------------ handler HTML

    def handler_html(self, html: str) -> str:
        """HTML a handler returns, with ``/static/`` (and course) links rewritten as the LMS does for the
        first render, so the links authors write keep working after a learner's action."""
        service = self.runtime.service(self, "replace_urls")
        return service.replace_urls(html) if service is not None else html

    # ------------------------------------------------------------------ content language

    def content_language(self) -> str:
        """The course's language (``language`` of the course, set by ``free2link build``), or "" when the
        block is not in a course or the course does not say: then the page's own language applies."""
        block = self
        for _depth in range(_MAX_DEPTH):
            try:
                block = block.get_parent()
            except Exception:  # noqa: BLE001 - a runtime without a course tree (workbench, previews)
                return ""
            if block is None:
                return ""
            if block.scope_ids.block_type == _COURSE_TYPE:
                language = getattr(block, "language", None)
                return language if isinstance(language, str) else ""
        return ""

    # ------------------------------------------------------------------ Studio's unit page

    def author_view(self, context=None):
        """An overview for the unit page: steps and where each choice leads, ends, the maximum score (for a
        quiz the indicators). The block is played in the LMS and in the editor's preview."""
        outline = self.render_outline(self.model, {}, problems=[])  # no form here to link into
        html = self.render_template("author_view.html", {"title": self.display_name, "outline": outline,
                                                         "lang": self.content_language()})
        frag = Fragment(html)
        frag.add_css_url(self.runtime.local_resource_url(self, "common/static/css/studio.css"))
        return frag

    def index_dictionary(self):
        """Course search: the block's title and its text (each block says which), never feedback."""
        base = getattr(super(), "index_dictionary", None)
        index = base() if callable(base) else {}
        content = dict(index.get("content") or {})
        content["display_name"] = self.display_name
        content.update(self.search_text())
        index["content"] = content
        index.setdefault("content_type", self.search_content_type)
        return index
