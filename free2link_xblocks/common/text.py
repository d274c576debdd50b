"""Strings shared by every block (chat and advert captions, errors, the Studio editor).

Templates contain no text of their own; they print these. Whole sentences with named
placeholders, so translators never assemble fragments.
"""

from __future__ import annotations


def common_text(t) -> dict:
    _ = t.gettext
    return {
        "chat_label": _("Chat conversation"),
        "chat_on": _("Chat on {platform}"),
        "advert_label": _("Job advert"),
        "advert_source": _("Seen on: {source}"),
        "sender_self": _("(the person you are helping)"),
        "error": _("Something went wrong. Please try again."),
        "offline": _("Your answer could not be sent. Check your connection and try again."),
        "working": _("Sending…"),
        "olx": _("Content (OLX)"),
        "olx_help": _("The content in the readable OLX form described in the README. "
                      "Nothing is saved while there are errors."),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "saving": _("Saving"),
        "errors_heading": _("Nothing was saved. Please correct these problems:"),
    }
