"""What the blocks that mark one submitted answer share (the indicator quiz, the red flags): the learner's
attempts and scores, the best score kept and clamped, rescoring from the kept answers, the three states of the
page (answering, result, closed) and "Try again".

Each block says how an answer is marked (``earned_by``) and what clearing it means (``clear_answer``).
"""

from __future__ import annotations

from xblock.core import XBlockMixin
from xblock.fields import Boolean, Float, Integer, List, Scope
from xblock.scorable import ScorableXBlockMixin, Score

from .actions import learner_action
from .base import bad_request, clamp_score


class AnsweredBlockMixin(ScorableXBlockMixin, XBlockMixin):
    """Mixed in before ``Free2LinkBlock``.

    ``ScorableXBlockMixin`` comes first among its bases: the LMS mixes its own ``XBlockMixin`` subclasses into every
    block (``XModuleMixin`` says ``has_score = False``), and Python places them before ``XBlockMixin`` here, so
    that a scorable base listed after ``XBlockMixin`` would lose to them and the grades would skip the block."""

    weight = Float(display_name="Weight", default=1.0, values={"min": 0}, scope=Scope.settings,
                   help="How many points this exercise is worth in the course grade.")
    max_attempts = Integer(display_name="Maximum attempts", default=0, values={"min": 0}, scope=Scope.settings,
                           help="How many times a learner may submit; 0 means no limit.")
    submitted = Boolean(default=False, scope=Scope.user_state, help="Whether the result of an answer is shown.")
    attempts = Integer(default=0, scope=Scope.user_state, help="Answers submitted.")
    best_earned = Integer(default=None, scope=Scope.user_state)
    last_earned = Integer(default=None, scope=Scope.user_state)
    answers = List(default=[], scope=Scope.user_state, help="Recent answers, for rescoring.")
    best_answer = List(default=[], scope=Scope.user_state, help="The answer that earned the best score.")

    def earned_by(self, answer) -> int:
        """The points a kept answer earns against the content as it is now (blocks define it)."""
        raise NotImplementedError

    def clear_answer(self) -> None:
        """Forget the answer shown, for a new attempt (blocks define it)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ scoring (ScorableXBlockMixin)

    def has_submitted_answer(self):
        return self.attempts > 0

    def get_score(self):
        possible = self.max_score()
        return Score(clamp_score(self.best_earned, possible), possible)

    def _publish_grade(self, score, only_if_higher=None):
        """Every grade the block publishes (answers and rescoring) is clamped to the maximum."""
        possible = score.raw_possible
        super()._publish_grade(Score(clamp_score(score.raw_earned, possible), possible), only_if_higher)

    def set_score(self, score):
        self.best_earned = int(round(score.raw_earned))

    def calculate_score(self):
        """The best of the kept answers, marked against the content as it is now (used to rescore)."""
        kept = list(self.answers) + ([self.best_answer] if self.attempts else [])
        best = max((self.earned_by(answer) for answer in kept), default=0)
        return Score(best, self.max_score())

    # ------------------------------------------------------------------ the page

    def _state(self) -> str:
        if self.submitted:
            return "result"
        if not self.attempts_left():
            return "closed"
        return "answering"

    def _score_lines(self) -> list[str]:
        texts = self.score_texts(self.last_earned or 0, self.best_earned or 0, self.max_score())
        lines = [texts["this_attempt"]] if self.last_earned is not None else []
        return lines + [texts["best"]] + ([texts["attempts_left"]] if texts["attempts_left"] else [])

    def current_view(self) -> str:
        return self._render_body()

    def _response(self, focus: str, announce: str = "") -> dict:
        return {"html": self.handler_html(self._render_body()), "focus": focus, "announce": announce}

    def _refuse_answer(self) -> None:
        """An answer is refused while a result is shown, and once the attempts are used."""
        _ = self._
        if self.submitted:
            raise bad_request(_("This answer has already been submitted. Choose Try again to answer again."))
        if not self.attempts_left():
            raise bad_request(_("You have used all your attempts."))

    @learner_action
    def reset(self, data, suffix=""):
        """Clear the answer for a new attempt, while attempts remain."""
        _ = self._
        if not self.submitted:
            raise bad_request(_("There is no answer to clear."))
        if not self.attempts_left():
            raise bad_request(_("You have used all your attempts."))
        self.submitted = False
        self.clear_answer()
        return self._response("form")
