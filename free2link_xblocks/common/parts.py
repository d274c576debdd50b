"""Turn content parts into plain dicts for the shared ``parts.html`` template.

The markup is already sanitised by the core; it is marked safe here, in one place (``SafeString``:
what ``mark_safe`` makes of text, without its check for lazy strings).
"""

from __future__ import annotations

from django.utils.safestring import SafeString

from ..core.content import Advert, Chat, RichText


def parts_context(parts, texts: dict) -> list[dict]:
    """``texts`` supplies the translated captions (``chat_label``, ``chat_on``, ``advert_source``)."""
    context = []
    for part in parts:
        if isinstance(part, RichText):
            context.append({"kind": "text", "markup": SafeString(part.markup)})
        elif isinstance(part, Chat):
            context.append({
                "kind": "chat",
                "heading": texts["chat_on"].format(platform=part.platform) if part.platform else texts["chat_label"],
                "messages": [{"sender": m.sender, "markup": SafeString(m.markup), "self": m.is_self, "time": m.time}
                             for m in part.messages],
            })
        elif isinstance(part, Advert):
            context.append({"kind": "advert", "title": part.title, "markup": SafeString(part.markup),
                            "source": texts["advert_source"].format(source=part.source) if part.source else ""})
    return context
