"""The red flags block's part of the Open edX conventions (see ``common/conventions.py``): the mobile
app's data and course search. Rescoring is the block's own (``ScorableXBlockMixin``)."""

from __future__ import annotations

from ..common.conventions import OpenEdxConventions, parts_data, parts_text
from ..core import red_flags as core
from ..core.markup import plain_text


class RedFlagsConventions(OpenEdxConventions):
    search_content_type = "Red flags"

    def _content_data(self) -> dict:
        """The content as the learner's page has it before an answer: the units' text and numbers, grouped by
        paragraph and message, and nothing that tells a flagged unit from another."""
        model = self.model
        return {"display_name": self.display_name, "version": self.version, "max_attempts": self.max_attempts,
                "max_score": self.max_score(), "intro": parts_data(model.intro), "prompt": plain_text(model.prompt),
                "text": core.learner_text(model)}

    def student_view_data(self, context=None):
        """What the course blocks API gives native clients (the Open edX mobile app). Collected once per course
        for every learner, so it holds the content only, never the flags nor any learner's answer."""
        return {**self._content_data(), "state": "answering"}

    def learner_view_data(self, context=None):
        """The content, this learner's attempts and, once an answer is submitted, how it was marked."""
        data = {**self._content_data(), "attempts": self.attempts, "best_score": self.best_earned,
                "state": self._state()}
        if data["state"] == "result":
            result = core.grade(self.model, self._selection())
            data["result"] = {
                "selected": list(result.selected), "earned": result.earned,
                "flags": [{"verdict": r.verdict, "units": list(r.flag.units),
                           "feedback": r.feedback.markup if r.feedback else "",
                           "strength": (r.feedback.strength if r.feedback else None) or "",
                           "source": r.feedback.source if r.feedback else ""} for r in result.flags],
                "false_alarms": [{"units": list(a.units), "feedback": a.feedback.markup if a.feedback else ""}
                                 for a in result.false_alarms],
                "explanation": self.model.explanation,
            }
        return data

    def search_text(self) -> dict:
        """The situation, the question and the text (not the feedback or the explanation)."""
        model = self.model
        texts = (parts_text(model.intro), plain_text(model.prompt), core.text_plain(model))
        return {"text": " ".join(t for t in texts if t)}
