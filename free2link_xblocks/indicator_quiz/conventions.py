"""The indicator quiz's part of the Open edX conventions (see ``common/conventions.py``): the mobile
app's data and course search. Rescoring is the block's own (``ScorableXBlockMixin``)."""

from __future__ import annotations

from ..common.conventions import OpenEdxConventions, parts_data, parts_text
from ..core.markup import plain_text


class QuizConventions(OpenEdxConventions):
    search_content_type = "Indicator quiz"

    def student_view_data(self, context=None):
        """What a native client needs: the case, the question and the indicators to tick (id and label, in
        this learner's order) and, once an answer is submitted, how each indicator of it was judged. Which
        indicators are present is never sent before an answer."""
        quiz = self.quiz
        data = {"display_name": self.display_name, "version": self.version, "max_attempts": self.max_attempts,
                "attempts": self.attempts, "max_score": self.max_score(), "best_score": self.best_earned,
                "case": parts_data(quiz.case), "prompt": plain_text(quiz.prompt),
                "indicators": [{"id": i.id, "label": i.label} for i in self._order()], "state": self._state()}
        if data["state"] == "result":
            result = self._mark(self.selected)
            data["result"] = {
                "selected": list(self.selected), "correct": result.is_correct, "earned": result.earned,
                "markings": [{"id": m.indicator.id, "verdict": m.verdict, "right": m.is_right,
                              "feedback": m.feedback} for m in result.markings],
                "explanation": quiz.explanation,
            }
        return data

    def search_text(self) -> dict:
        """The case and the question (not the indicators' feedback or the explanation)."""
        quiz = self.quiz
        return {"case": " ".join(t for t in (parts_text(quiz.case), plain_text(quiz.prompt)) if t)}
