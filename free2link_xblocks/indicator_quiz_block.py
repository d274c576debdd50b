"""``f2l_indicator_quiz``: which indicators of trafficking are present in this case, and why.

A thin adapter: the model, validation and marking live in :mod:`free2link_xblocks.core.quiz`;
this class stores content and learner state in XBlock fields, renders on the server and
answers the learner's submissions. The browser never receives which indicators are present
before the learner has answered.
"""

from __future__ import annotations

from collections import OrderedDict

from django.utils.html import escape
from django.utils.safestring import SafeString
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, List, Scope, String

from .common.actions import learner_action
from .common.answered import AnsweredBlockMixin
from .common.base import Free2LinkBlock, bad_request, clamp_score, precompile
from .common.fields import GeneratedXml
from .common.parts import parts_context
from .common.rows import row_template
from .core import authoring
from .core import quiz as core
from .core.markup import plain_text
from .indicator_quiz.conventions import QuizConventions
from .indicator_quiz.text import ui_text

DEFAULT_QUIZ = """<f2l_indicator_quiz>
  <case>
    <p>Describe the situation here: a narrative, a chat or a job advert.</p>
  </case>
  <prompt>Which indicators of possible trafficking do you see?</prompt>
  <indicator id="first" present="true" strength="medium">
    <label>An indicator that is present in the case</label>
    <feedback>Explain where the case shows it.</feedback>
  </indicator>
  <indicator id="second" present="false">
    <label>An indicator that is not present</label>
    <feedback>Explain why it is not present here.</feedback>
  </indicator>
</f2l_indicator_quiz>"""

_ORDERS: dict[tuple[str, str], tuple[int, ...]] = {}  # (content version, learner seed) -> positions


def _learner_order(version: str, seed: str, quiz: core.Quiz) -> tuple[int, ...]:
    """A learner's order of the indicators of one content version (positions in the authored order), kept
    for the learner's next requests (a bounded cache: cleared when full)."""
    key = (version, seed)
    if key not in _ORDERS:
        if len(_ORDERS) >= 8192:
            _ORDERS.clear()
        position = {id(i): n for n, i in enumerate(quiz.indicators)}
        _ORDERS[key] = tuple(position[id(i)] for i in core.shuffled(quiz, seed))
    return _ORDERS[key]


# A ticked answer in the marked list: the box's attribute and class.
_TICKED = {True: (SafeString(" checked"), SafeString(" f2l-marking__box--ticked")), False: ("", "")}
# Kept answers, for rescoring after the course team corrects the quiz (the best one is always kept).
MAX_KEPT_ANSWERS = 20


class IndicatorQuizBlock(QuizConventions, AnsweredBlockMixin, Free2LinkBlock):
    """A short case and a list of candidate indicators: tick those present, then learn why."""

    block_package = "free2link_xblocks.indicator_quiz"  # its templates/, static/ and workbench/
    block_type = core.ROOT_TAG
    content_field = "quiz_xml"
    settings_spec = core.SETTINGS
    parse_content = staticmethod(core.parse_quiz_element)
    write_content = staticmethod(core.quiz_to_element)
    load_content = staticmethod(core.load_quiz_cached)
    ui_text = staticmethod(ui_text)
    form_of = staticmethod(authoring.quiz_to_form)
    check_form = staticmethod(authoring.check_quiz_form)
    learner_css = ("common/static/css/parts.css", "indicator_quiz/static/css/quiz.css")

    display_name = String(display_name="Display name", default="Indicator quiz", scope=Scope.settings)
    scoring = String(display_name="Scoring", default="every_decision", values=list(core.SCORINGS),
                     scope=Scope.settings, help="every_decision or all_or_nothing.")
    shuffle = Boolean(display_name="Shuffle the indicators", default=False, scope=Scope.settings,
                      help="Show the indicators in an order of each learner's own, stable across reloads.")
    quiz_xml = GeneratedXml(default=DEFAULT_QUIZ, scope=Scope.content,
                            help="The case and the indicators in their readable OLX form.")

    selected = List(default=[], scope=Scope.user_state, help="Ids ticked in the answer being shown.")

    indicator_tally = Dict(default={}, scope=Scope.user_state_summary,
                           help="{\"seen\": {id: answers}, \"ticked\": {id: answers that ticked it}}.")

    @property
    def quiz(self) -> core.Quiz:
        return self.model

    def max_score(self):
        return core.max_score(self.quiz, self.scoring)

    _marked = None  # (quiz, answer, scoring, result) of the last marking on this instance: a submit marks once

    def _mark(self, selected) -> core.Result:
        quiz, answer, scoring = self.quiz, tuple(selected), self.scoring
        last = self._marked
        if last is None or last[0] is not quiz or last[1] != answer or last[2] != scoring:
            self._marked = last = (quiz, answer, scoring, core.mark(quiz, answer, scoring, self._order()))
        return last[3]

    _shuffled = None  # (quiz, this learner's order of its indicators), computed once an instance

    def _order(self) -> tuple:
        """The indicators in the order this learner sees them."""
        quiz = self.quiz
        if not self.shuffle:
            return quiz.indicators
        if self._shuffled is None or self._shuffled[0] is not quiz:
            positions = _learner_order(self.version, f"{self.scope_ids.user_id}:{self.scope_ids.usage_id}", quiz)
            self._shuffled = (quiz, tuple(quiz.indicators[p] for p in positions))
        return self._shuffled[1]

    # ------------------------------------------------------------------ answers (AnsweredBlockMixin)

    def earned_by(self, answer) -> int:
        return self._mark(answer).earned

    def clear_answer(self) -> None:
        self.selected = []

    # ------------------------------------------------------------------ views

    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        return self.learner_fragment("quiz.html", "indicator_quiz/static/js/quiz.js", "Free2LinkIndicatorQuiz",
                                     case=parts_context(self.quiz.case, self.texts()))

    def _render_body(self) -> str:
        state = self._state()
        texts = self.texts()
        quiz = self.quiz
        context = {"uid": self.dom_id(), "state": state, "t": texts, "version": self.version,
                   "prompt": plain_text(quiz.prompt) or texts["default_prompt"]}
        if state == "answering":
            context["indicator_rows"] = self._indicator_rows(context["uid"], self._order())
        elif state == "result":
            context.update(self._result_context(self._mark(self.selected)))
        else:
            context["score"] = self._score_lines()
        return self.render_template("quiz_body.html", context)

    def _indicator_rows(self, uid: str, indicators) -> str:
        row = row_template(self.block_package, "quiz_indicator_row.html").render
        uid = escape(uid)
        return SafeString("".join(row(uid=uid, n=n, id=i.id, label=SafeString(i.label))
                                  for n, i in enumerate(indicators, 1)))

    def _marking_rows(self, uid: str, result: core.Result) -> str:
        """Each indicator with the learner's tick, its verdict and why (a right verdict's why folded)."""
        texts = self.texts()
        right_row = row_template(self.block_package, "quiz_marking_row_right.html").render
        wrong_row = row_template(self.block_package, "quiz_marking_row.html").render
        strength_part = row_template(self.block_package, "quiz_strength.html").render
        uid, read_why = escape(uid), escape(texts["read_why"])
        verdicts = {verdict: escape(text) for verdict, text in texts["verdict"].items()}
        strengths = {key: strength_part(text=text) for key, text in texts["strength"].items() if text}
        rows = []
        for n, m in enumerate(result.markings, 1):
            indicator = m.indicator
            checked, ticked = _TICKED[m.selected]
            rows.append((right_row if m.is_right else wrong_row)(
                uid=uid, n=n, id=indicator.id, verdict=m.verdict, label=SafeString(indicator.label), checked=checked,
                ticked=ticked, verdict_text=verdicts[m.verdict], read_why=read_why, feedback=SafeString(m.feedback),
                strength=strengths.get(indicator.strength or "", "") if indicator.present else ""))
        return SafeString("".join(rows))

    def _result_context(self, result: core.Result) -> dict:
        texts = self.texts()
        can_retry = self.attempts_left()
        show_expected = result.is_correct or not can_retry
        return {
            "marking_rows": self._marking_rows(self.dom_id(), result),
            "summary": self._summary_line(result),
            "counts": {"spotted": len(result.with_verdict(core.SPOTTED)),
                       "present": sum(1 for m in result.markings if m.indicator.present),
                       "missed": len(result.with_verdict(core.MISSED)),
                       "false_alarms": len(result.with_verdict(core.FALSE_ALARM))},
            "is_correct": result.is_correct,
            "score": self._score_lines(),
            "explanation": SafeString(self.quiz.explanation),
            "expected": [{"label": SafeString(m.indicator.label),
                          "strength_text": texts["strength"].get(m.indicator.strength or "", "")}
                         for m in result.markings if m.indicator.present] if show_expected else None,
            "show_expected": show_expected,
            "can_retry": can_retry,
        }

    def _summary_line(self, result: core.Result) -> str:
        t = self.translator
        if result.is_correct:
            return self.texts()["all_right"]
        total = len(result.markings)
        return t.ngettext("You judged {right} of {total} indicator correctly.",
                          "You judged {right} of {total} indicators correctly.", total).format(
            right=result.right, total=total)

    def _tally_context(self) -> dict:
        t = self.translator
        seen = self.indicator_tally.get("seen", {})
        ticked = self.indicator_tally.get("ticked", {})
        rows = []
        for indicator in self.quiz.indicators:
            total = seen.get(indicator.id, 0)
            count = (total - ticked.get(indicator.id, 0)) if indicator.present else ticked.get(indicator.id, 0)
            if indicator.present:
                text = t.ngettext("Missed in {count} of {total} answer", "Missed in {count} of {total} answers",
                                  total)
            else:
                text = t.ngettext("Ticked by mistake in {count} of {total} answer",
                                  "Ticked by mistake in {count} of {total} answers", total)
            rows.append({
                "label": plain_text(indicator.label),
                "present": indicator.present,
                "text": text.format(count=count, total=total),
                "percent": round(100 * count / total) if total else 0,
            })
        return {"rows": rows, "answers": max(seen.values(), default=0)}

    # ------------------------------------------------------------------ handlers

    @learner_action
    def submit(self, data, suffix=""):
        """Mark the learner's answer, keep the best score, and answer with the feedback."""
        _ = self._
        if not isinstance(data, dict):
            raise bad_request(_("The request must be a JSON object."))
        self.check_version(data)
        self._refuse_answer()
        try:
            chosen = core.check_answer(self.quiz, data.get("selected"))
        except core.AnswerError as error:
            raise bad_request(error.message(_)) from None
        if not chosen and data.get("none") is not True:
            raise bad_request(_("Tick the indicators you see, or confirm that none of them is present."))
        answer = [i.id for i in self.quiz.indicators if i.id in chosen]
        result = self._mark(answer)
        self._record(answer, result)
        self.runtime.publish(self, "xblock.f2l_indicator_quiz.submitted", {
            "selected": answer, "earned": result.earned, "possible": result.possible,
            "missed": [i.id for i in result.with_verdict(core.MISSED)],
            "false_alarms": [i.id for i in result.with_verdict(core.FALSE_ALARM)],
            "attempt": self.attempts, "version": self.version,
        })
        self._publish_grade(self.get_score())
        return self._response("result", _("Your answer has been marked."))

    def _record(self, answer: list[str], result: core.Result) -> None:
        self.attempts += 1
        self.selected = answer
        self.submitted = True
        self.last_earned = result.earned
        self.answers = (list(self.answers) + [answer])[-MAX_KEPT_ANSWERS:]
        if self.best_earned is None or result.earned > self.best_earned:
            self.best_earned = result.earned
            self.best_answer = answer
        self._count(answer)

    def _count(self, answer: list[str]) -> None:
        tally = {"seen": dict(self.indicator_tally.get("seen", {})),
                 "ticked": dict(self.indicator_tally.get("ticked", {}))}
        for indicator in self.quiz.indicators:
            tally["seen"][indicator.id] = tally["seen"].get(indicator.id, 0) + 1
            if indicator.id in answer:
                tally["ticked"][indicator.id] = tally["ticked"].get(indicator.id, 0) + 1
        self.indicator_tally = tally

    # ------------------------------------------------------------------ Studio

    def summary(self, model, settings=None) -> str:
        present = sum(1 for i in model.indicators if i.present)
        scoring = (settings or {}).get("scoring", self.scoring)
        return self._("Indicators: {total}, of which present: {present}. Maximum score: {points}.").format(
            total=len(model.indicators), present=present, points=core.max_score(model, scoring))

    def outline_context(self, model, paths: dict) -> dict:
        """Each indicator, present or not, with its strength: the answer key at a glance."""
        texts = self.texts()
        return {"indicators": [{
            "id": i.id, "label": plain_text(i.label) or texts["editor"]["outline_indicator"].format(id=i.id),
            "present": i.present,
            "anchor": paths[i.line].replace(".", "-") if i.line in paths else "",
            "strength_label": texts["strength"].get(i.strength or "", ""),
        } for i in model.indicators]}

    def preview(self, model, settings: dict, show: str):
        """The case and the question as learners first see them, indicators in the authored order."""
        texts = self.texts()
        uid = self.dom_id() + "-preview"
        body = self.render_template("quiz_body.html", {
            "uid": uid, "state": "answering", "t": texts, "version": "",
            "prompt": plain_text(model.prompt) or texts["default_prompt"],
            "indicator_rows": self._indicator_rows(uid, model.indicators),
        })
        html = self.render_template("quiz.html", {"uid": uid, "title": settings.get("display_name"), "t": texts,
                                                  "case": parts_context(model.case, texts), "body": body,
                                                  "tally": None})
        return html, [], ""

    # ------------------------------------------------------------------ reports

    def report_row_maker(self):
        quiz = self.quiz
        return lambda state: self._report_row(quiz, state)

    def _report_row(self, quiz: core.Quiz, state: dict) -> OrderedDict:
        attempts = state.get("attempts") or 0
        answer = (state.get("answers") or [[]])[-1]  # the last submitted answer, even after "Try again"
        result = core.mark(quiz, answer, self.scoring) if attempts else None

        def labels(verdict):
            return " | ".join(plain_text(i.label) for i in result.with_verdict(verdict)) if result else ""

        def ids(verdict):
            return " ".join(i.id for i in result.with_verdict(verdict)) if result else ""

        best = state.get("best_earned")
        possible = core.max_score(quiz, self.scoring)
        return OrderedDict([
            ("Attempts", attempts),
            ("Best score", clamp_score(best, possible) if best is not None else ""),
            ("Max score", possible),
            ("Last score", result.earned if result else ""),
            ("Last answer correct", ("yes" if result.is_correct else "no") if result else ""),
            ("Ticked indicators", " | ".join(plain_text(i.label) for i in quiz.indicators if i.id in answer)),
            ("Missed indicators", labels(core.MISSED)),
            ("False alarms", labels(core.FALSE_ALARM)),
            ("Ticked ids", " ".join(i.id for i in quiz.indicators if i.id in answer)),
            ("Missed ids", ids(core.MISSED)),
            ("False alarm ids", ids(core.FALSE_ALARM)),
        ])


precompile('free2link_xblocks.indicator_quiz', ("quiz.html", "quiz_body.html", "parts.html"))
