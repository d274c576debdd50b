"""``f2l_red_flags``: read an advert, a chat or a story, and select the words that are red flags.

A thin adapter: the model, the segmentation into selectable units, validation and marking live in
:mod:`free2link_xblocks.core.red_flags`; this class stores content and learner state in XBlock fields,
renders on the server and answers the learner's submissions. Before an answer the browser gets only
the units' text and numbers: no flag ids, no boundaries, no feedback.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from html import escape

from django.utils.safestring import mark_safe
from xblock.core import XBlock
from xblock.fields import Dict, List, Scope, String

from .common.actions import learner_action
from .common.answered import AnsweredBlockMixin
from .common.base import Free2LinkBlock, bad_request, clamp_score, precompile
from .common.fields import GeneratedXml
from .common.parts import parts_context
from .core import authoring
from .core import red_flags as core
from .core.content import Advert, Chat, Message, RichText
from .core.markup import plain_text
from .red_flags.conventions import RedFlagsConventions
from .red_flags.text import ui_text

DEFAULT_RED_FLAGS = """<f2l_red_flags>
  <intro>
    <p>Say who shows the learner this text, and where it was found.</p>
  </intro>
  <prompt>Select every part of the text that is a red flag of possible trafficking.</prompt>
  <text>
    <p>Write the advert, the post or the story here. <flag id="flag1">Mark a red flag like this.</flag> The rest is
    ordinary text.</p>
  </text>
  <feedback for="flag1" strength="medium">Explain why this is a red flag.</feedback>
</f2l_red_flags>"""

# Kept answers, for rescoring after the course team corrects the text (the best one is always kept).
MAX_KEPT_ANSWERS = 20
TALLY_ALARMS_SHOWN = 5


def unit_html(index: int, markup: str, mark: dict | None, uid: str) -> str:
    """One clause of the text: before an answer a toggle button that says nothing but its number; after one, the
    clause as marked (``mark``: verdict, selected, and on the last clause of a flag its tag and anchor).

    Written here rather than by a template included once per clause: a long text has hundreds of them."""
    if mark is None and not uid:
        return (f'<span class="f2l-unit" role="button" tabindex="0" aria-pressed="false" data-unit="{index}">'
                f"{markup}</span>")
    mark = mark or {}
    classes = "f2l-unit" + (f" f2l-unit--{mark['verdict']}" if mark.get("verdict") else "") + (
        " f2l-unit--selected" if mark.get("selected") else "")
    out = f'<span class="{classes}">{markup}</span>'
    if mark.get("tag"):
        out += (f' <a class="f2l-unit__tag f2l-unit__tag--{mark["verdict"]}" href="#{uid}-{mark["anchor"]}">'
                f"{escape(mark['tag'])}</a>")
    return out


class RedFlagsBlock(RedFlagsConventions, AnsweredBlockMixin, Free2LinkBlock):
    """A text to read; the learner selects the red flags in it, then learns which they spotted and why."""

    block_package = "free2link_xblocks.red_flags"  # its templates/, static/ and workbench/
    block_type = core.ROOT_TAG
    content_field = "red_flags_xml"
    settings_spec = core.SETTINGS
    parse_content = staticmethod(core.parse_red_flags_element)
    write_content = staticmethod(core.red_flags_to_element)
    load_content = staticmethod(core.load_red_flags_cached)
    ui_text = staticmethod(ui_text)
    form_of = staticmethod(authoring.red_flags_to_form)
    check_form = staticmethod(authoring.check_red_flags_form)
    learner_css = ("common/static/css/parts.css", "red_flags/static/css/red_flags.css")

    display_name = String(display_name="Display name", default="Red flags", scope=Scope.settings)
    red_flags_xml = GeneratedXml(default=DEFAULT_RED_FLAGS, scope=Scope.content,
                                 help="The text with its red flags in their readable OLX form.")

    selected = List(default=[], scope=Scope.user_state, help="Unit numbers selected in the answer being shown.")
    selected_keys = List(default=[], scope=Scope.user_state,
                         help="The same units named by their text, which survives an edit that renumbers them.")

    flag_tally = Dict(default={}, scope=Scope.user_state_summary,
                      help="{\"answers\": n, \"missed\": {flag id: n}, \"alarms\": {unit key: n}}.")

    def max_score(self):
        return core.max_score(self.model)

    def _selection(self) -> list[int]:
        """The units of the answer shown, numbered as in the text as it is now."""
        return core.units_for_keys(self.model, self.selected_keys)

    def _grade_keys(self, keys) -> core.Result:
        return core.grade(self.model, core.units_for_keys(self.model, keys))

    # ------------------------------------------------------------------ answers (AnsweredBlockMixin)
    # An answer is kept as its units' keys (``core.unit_keys``), so it survives an edit that renumbers them.

    def earned_by(self, answer) -> int:
        return self._grade_keys(answer).earned

    def clear_answer(self) -> None:
        self.selected = []
        self.selected_keys = []

    # ------------------------------------------------------------------ views

    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        return self.learner_fragment("red_flags.html", "red_flags/static/js/red_flags.js", "Free2LinkRedFlags",
                                     intro=parts_context(self.model.intro, self.texts()))

    def _render_body(self) -> str:
        return self._body(self.model, self._state(), self.dom_id(), self.version)

    def _body(self, model: core.RedFlags, state: str, uid: str, version: str) -> str:
        texts = self.texts()
        context = {"uid": uid, "state": state, "t": texts, "version": version,
                   "prompt": plain_text(model.prompt) or texts["default_prompt"]}
        if state == "answering":
            context["text"] = self._text_context(model, {}, uid)
            context["counts_json"] = json.dumps([texts["none_selected"]] + [self.translator.ngettext(
                "{count} part of the text selected.", "{count} parts of the text selected.", n).format(count=n)
                for n in range(1, len(model.units) + 1)], ensure_ascii=False)
        elif state == "result":
            context.update(self._result_context(model, core.grade(model, self._selection()), uid))
        else:
            context["score"] = self._score_lines()
        return self.render_template("red_flags_body.html", context)

    def _text_context(self, model: core.RedFlags, marks: dict, uid: str) -> list[dict]:
        """The text as the shared parts template shows it, each clause written by ``unit_html``; ``marks`` (after an
        answer) says how to show each clause."""
        def units(passage) -> str:
            return " ".join(unit_html(u["index"], u["markup"], marks.get(u["index"]), uid if marks else "")
                            for u in passage["units"])

        parts = []
        for part in core.learner_text(model):
            if part["kind"] == "p":
                parts.append(RichText(f'<p class="f2l-rf__p">{units(part)}</p>'))
            elif part["kind"] == "advert":
                parts.append(Advert(part["source"], part["title"],
                                    "".join(f"<p>{units(p)}</p>" for p in part["paragraphs"])))
            else:
                parts.append(Chat(part["platform"], tuple(Message(m["from"], units(m), m["self"], m["time"])
                                                          for m in part["messages"])))
        return parts_context(parts, self.texts())

    def _result_context(self, model: core.RedFlags, result: core.Result, uid: str) -> dict:
        texts = self.texts()
        selected = set(result.selected)
        marks: dict[int, dict] = {}
        flags = []
        for number, item in enumerate(result.flags, start=1):
            label = texts["flag_number"].format(number=number)
            anchor = f"flag{number}"
            for index in item.flag.units:
                marks[index] = {"verdict": item.verdict, "selected": index in selected}
            marks[item.flag.units[-1]].update({"tag": f"{label}: {texts['tag_' + item.verdict]}", "anchor": anchor})
            feedback = item.feedback
            flags.append({"label": label, "anchor": anchor, "verdict": item.verdict, "verdict_text": texts[item.verdict],
                          "text": item.flag.text, "feedback": mark_safe(feedback.markup if feedback else ""),
                          "strength_text": texts["strength"].get((feedback.strength if feedback else "") or "", ""),
                          "source": texts["source"].format(source=feedback.source) if feedback and feedback.source
                          else ""})
        alarms = []
        for number, alarm in enumerate(result.false_alarms):
            label = texts["alarm_number"].format(letter=chr(ord("A") + number % 26))
            anchor = f"alarm{number + 1}"
            for index in alarm.units:
                marks[index] = {"verdict": core.FALSE_ALARM, "selected": True}
            marks[alarm.units[-1]].update({"tag": f"{label}: {texts['tag_false_alarm']}", "anchor": anchor})
            alarms.append({"label": label, "anchor": anchor,
                           "text": " ".join(model.units[i].text for i in alarm.units),
                           "feedback": mark_safe(alarm.feedback.markup) if alarm.feedback else texts["alarm_generic"]})
        return {
            "text": self._text_context(model, marks, uid),
            "flags": flags,
            "alarms": alarms,
            "counts": {"spotted": len(result.spotted), "flags": len(result.flags), "missed": len(result.missed),
                       "false_alarms": len(result.false_alarms)},
            "summary": texts["all_right"] if result.is_correct else "",
            "is_correct": result.is_correct,
            "score": self._score_lines(),
            "explanation": mark_safe(model.explanation),
            "can_retry": self.attempts_left(),
        }

    def _tally_context(self) -> dict:
        """Staff only: how often each red flag was missed, and the units most often selected by mistake."""
        t = self.translator
        tally = self.flag_tally or {}
        answers = tally.get("answers", 0)
        missed = tally.get("missed", {})
        rows = []
        for flag in self.model.flags:
            count = missed.get(flag.id, 0)
            text = t.ngettext("Missed in {count} of {total} answer", "Missed in {count} of {total} answers",
                              answers).format(count=count, total=answers)
            rows.append({"label": flag.text, "text": text, "percent": round(100 * count / answers) if answers else 0})
        alarms = sorted((tally.get("alarms") or {}).items(), key=lambda item: (-item[1], item[0]))[:TALLY_ALARMS_SHOWN]
        return {"rows": rows, "answers": answers,
                "alarms": [{"label": key, "text": t.ngettext(
                    "Ticked by mistake in {count} of {total} answer", "Ticked by mistake in {count} of {total} answers",
                    answers).format(count=count, total=answers)} for key, count in alarms]}

    # ------------------------------------------------------------------ handlers

    @learner_action
    def submit(self, data, suffix=""):
        """Mark the learner's selection, keep the best score, and answer with the feedback."""
        _ = self._
        self.check_version(data)
        self._refuse_answer()
        model = self.model
        try:
            chosen = core.check_selection(model, data.get("selected"))
        except core.AnswerError as error:
            raise bad_request(error.message(_)) from None
        if not chosen:
            raise bad_request(self.texts()["select_first"])
        result = core.grade(model, chosen)
        self._record(model, chosen, result)
        self.runtime.publish(self, "xblock.f2l_red_flags.submitted", {
            "selected": list(chosen), "earned": result.earned, "possible": result.possible,
            "spotted": [f.id for f in result.spotted], "missed": [f.id for f in result.missed],
            "false_alarms": [list(a.units) for a in result.false_alarms],
            "attempt": self.attempts, "version": self.version,
        })
        self._publish_grade(self.get_score())
        return self._response("result", _("Your answer has been marked."))

    def _record(self, model: core.RedFlags, chosen: tuple, result: core.Result) -> None:
        keys = core.unit_keys(model, chosen)
        self.attempts += 1
        self.selected = list(chosen)
        self.selected_keys = keys
        self.submitted = True
        self.last_earned = result.earned
        self.answers = (list(self.answers) + [keys])[-MAX_KEPT_ANSWERS:]
        if self.best_earned is None or result.earned > self.best_earned:
            self.best_earned = result.earned
            self.best_answer = keys
        self._count(model, result)

    def _count(self, model: core.RedFlags, result: core.Result) -> None:
        tally = {"answers": (self.flag_tally or {}).get("answers", 0) + 1,
                 "missed": dict((self.flag_tally or {}).get("missed", {})),
                 "alarms": dict((self.flag_tally or {}).get("alarms", {}))}
        for flag in result.missed:
            tally["missed"][flag.id] = tally["missed"].get(flag.id, 0) + 1
        for alarm in result.false_alarms:
            key = " ".join(model.units[i].text for i in alarm.units)[:200]
            tally["alarms"][key] = tally["alarms"].get(key, 0) + 1
        self.flag_tally = tally

    # ------------------------------------------------------------------ Studio

    def summary(self, model, settings=None) -> str:
        return self._("Red flags: {flags}; selectable parts of the text: {units}. Maximum score: {points}.").format(
            flags=len(model.flags), units=len(model.units), points=core.max_score(model))

    def outline_context(self, model, paths: dict) -> dict:
        """Each red flag with its strength, and each phrase with feedback: the answer key at a glance, each linked
        to its feedback in the form (or to its paragraph while it has none)."""
        texts = self.texts()
        flags = []
        for mark in model.marks:
            feedback = model.feedback_for(mark.id)
            line = feedback.line if feedback is not None and feedback.line in paths else mark.line
            flags.append({"label": mark.text, "is_flag": mark.kind == core.FLAG,
                          "anchor": paths[line].replace(".", "-") if line in paths else "",
                          "strength_label": texts["strength"].get((feedback.strength if feedback else None) or "",
                                                                  "")})
        return {"flags": flags}

    def preview(self, model, settings: dict, show: str):
        """The text and the question as learners first see them."""
        texts = self.texts()
        uid = self.dom_id() + "-preview"
        body = self._body(model, "answering", uid, "")
        html = self.render_template("red_flags.html", {"uid": uid, "title": settings.get("display_name"), "t": texts,
                                                       "intro": parts_context(model.intro, texts), "body": body,
                                                       "tally": None})
        return html, [], ""

    # ------------------------------------------------------------------ reports

    def report_row_maker(self):
        model = self.model
        return lambda state: self._report_row(model, state)

    @staticmethod
    def _report_row(model: core.RedFlags, state: dict) -> OrderedDict:
        attempts = state.get("attempts") or 0
        keys = (state.get("answers") or [[]])[-1]  # the last submitted answer, even after "Try again"
        result = core.grade(model, core.units_for_keys(model, keys)) if attempts else None
        best = state.get("best_earned")
        possible = core.max_score(model)

        def joined(marks, separator=" "):
            return separator.join(marks) if result else ""

        return OrderedDict([
            ("Attempts", attempts),
            ("Best score", clamp_score(best, possible) if best is not None else ""),
            ("Max score", possible),
            ("Last score", result.earned if result else ""),
            ("Spotted red flags", joined([f.text for f in result.spotted], " | ") if result else ""),
            ("Missed red flags", joined([f.text for f in result.missed], " | ") if result else ""),
            ("False alarms", joined([" ".join(model.units[i].text for i in a.units) for a in result.false_alarms],
                                    " | ") if result else ""),
            ("Spotted ids", joined([f.id for f in result.spotted]) if result else ""),
            ("Missed ids", joined([f.id for f in result.missed]) if result else ""),
            ("False alarm count", len(result.false_alarms) if result else ""),
            ("False alarm phrase ids", joined([a.phrase.id for a in result.false_alarms if a.phrase])
             if result else ""),
        ])


precompile("free2link_xblocks.red_flags", ("red_flags.html", "red_flags_body.html", "parts.html"))
