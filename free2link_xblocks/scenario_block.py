"""``f2l_scenario``: the branching identification scenario, as an XBlock.

A thin adapter: the graph, validation, scoring and legal moves live in
:mod:`free2link_xblocks.core`; this class stores content and learner state in XBlock fields,
renders the current step on the server and answers the learner's moves.
"""

from __future__ import annotations

from collections import OrderedDict

from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Integer, List, Scope, String
from xblock.scorable import ScorableXBlockMixin

from .common.actions import learner_action
from .common.base import Free2LinkBlock, bad_request, clamp_score, precompile
from .common.fields import GeneratedXml
from .common.parts import parts_context
from .core import authoring, play
from .core.markup import plain_text
from .core.scenario import (
    CONTENT_ATTRIBUTES,
    ROOT_TAG,
    SETTINGS,
    choice_order,
    load_scenario_cached,
    max_score,
    parse_scenario_element,
    scenario_to_element,
)
from .scenario.conventions import ScenarioConventions
from .scenario.text import ui_text

DEFAULT_SCENARIO = """<f2l_scenario>
  <step id="start" title="A new scenario">
    <p>Write the situation the learner meets here.</p>
    <choice next="end" points="1" quality="good">
      <label>A helpful response</label>
      <feedback>Explain why this helps.</feedback>
    </choice>
    <choice next="end" points="0" quality="harmful">
      <label>A harmful response</label>
      <feedback>Explain why this harms.</feedback>
    </choice>
  </step>
  <end id="end" title="The end" outcome="good"><p>Write the debrief here.</p></end>
</f2l_scenario>"""


class ScenarioBlock(ScenarioConventions, ScorableXBlockMixin, Free2LinkBlock):
    """A branching situation: read, decide, get feedback, and see where the story goes."""

    block_package = "free2link_xblocks.scenario"  # its templates/, static/ and workbench/
    block_type = ROOT_TAG
    content_field = "scenario_xml"
    settings_spec = SETTINGS
    content_attributes = CONTENT_ATTRIBUTES
    parse_content = staticmethod(parse_scenario_element)
    write_content = staticmethod(scenario_to_element)
    load_content = staticmethod(load_scenario_cached)
    ui_text = staticmethod(ui_text)
    form_of = staticmethod(authoring.scenario_to_form)
    check_form = staticmethod(authoring.check_scenario_form)
    learner_css = ("common/static/css/parts.css", "scenario/static/css/scenario.css")

    has_score = True
    has_custom_completion = True
    completion_mode = "completable"
    icon_class = "problem"

    display_name = String(display_name="Display name", default="Branching scenario", scope=Scope.settings)
    weight = Float(display_name="Weight", default=1.0, values={"min": 0}, scope=Scope.settings,
                   help="How many points this scenario is worth in the course grade.")
    max_attempts = Integer(display_name="Maximum attempts", default=0, values={"min": 0}, scope=Scope.settings,
                           help="How many times a learner may play to an end; 0 means no limit.")
    allow_back = Boolean(display_name="Allow going back", default=False, scope=Scope.settings,
                         help="Let learners undo their last decision before they reach an end.")
    shuffle = Boolean(display_name="Shuffle the choices", default=False, scope=Scope.settings,
                      help="Show each step's choices in an order of each learner's own, stable across reloads.")
    scenario_xml = GeneratedXml(default=DEFAULT_SCENARIO, scope=Scope.content,
                                help="The scenario graph in its readable OLX form.")

    node_id = String(default="", scope=Scope.user_state, help="Where the learner is.")
    path = List(default=[], scope=Scope.user_state, help="(step, choice) pairs of the current attempt.")
    showing_feedback = Boolean(default=False, scope=Scope.user_state)
    played_version = String(default="", scope=Scope.user_state, help="Content version the progress belongs to.")
    attempts = Integer(default=0, scope=Scope.user_state, help="Attempts played to an end.")
    best_points = Integer(default=None, scope=Scope.user_state)
    last_points = Integer(default=None, scope=Scope.user_state)
    last_path = List(default=[], scope=Scope.user_state, help="The path of the last finished attempt.")
    last_node_id = String(default="", scope=Scope.user_state, help="The end reached by the last finished attempt.")
    finished_paths = List(default=[], scope=Scope.user_state, help="Recent finished paths, for rescoring.")
    notice = String(default="", scope=Scope.user_state, help="A one-off message for the next view.")

    choice_tally = Dict(default={}, scope=Scope.user_state_summary,
                        help="How often each choice was taken: {step id: {choice id: count}}.")

    @property
    def scenario(self):
        return self.model

    def max_score(self):
        return max_score(self.scenario)

    # ------------------------------------------------------------------ learner state

    def _progress(self) -> play.Progress:
        return play.Progress(self.node_id, tuple(tuple(p) for p in self.path), self.showing_feedback)

    def _store(self, progress: play.Progress) -> None:
        # Only what changed is written: each field written costs XBlock copies and a save.
        path = [list(p) for p in progress.path]
        for name, value in (("node_id", progress.node_id), ("path", path),
                            ("showing_feedback", progress.showing_feedback), ("played_version", self.version)):
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _sync_with_content(self) -> None:
        """Start a learner cleanly after the course team changed the scenario under them.

        An edit that leaves the learner's walk intact changes nothing for them. Otherwise the
        unfinished walk is dropped and they start again; attempts and best score are kept.
        """
        scenario = self.scenario
        if not self.node_id:
            self._store(play.begin(scenario))
            return
        if self.played_version == self.version:
            return
        if play.is_consistent(scenario, self._progress()):
            self.played_version = self.version
            return
        self._store(play.begin(scenario))
        self.notice = "updated"

    # ------------------------------------------------------------------ views

    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        self._sync_with_content()
        return self.learner_fragment("scenario.html", "scenario/static/js/scenario.js", "Free2LinkScenario")

    def _state(self) -> str:
        scenario = self.scenario
        if self.showing_feedback and self.path:
            return "feedback"
        if play.is_finished(scenario, self._progress()):
            return "end"
        if self.max_attempts and self.attempts >= self.max_attempts:
            return "closed"
        return "step"

    def _render_body(self) -> str:
        state = self._state()
        context = {"uid": self.dom_id(), "state": state, "t": self.texts(), "notice": self._take_notice(),
                   "version": self.version}
        scenario = self.scenario
        if state in ("step", "feedback"):
            progress = self._progress()
            step_id = self.path[-1][0] if state == "feedback" else self.node_id
            step = scenario.node(step_id)
            if state == "feedback":  # the decision just taken keeps the number it had
                progress = play.Progress(step_id, progress.path[:-1])
            number = play.decision_number(scenario, progress, step_id)
            context.update({
                "step": {"id": step.id, "title": step.title, "parts": parts_context(step.body, self.texts())},
                "number_text": self.texts()["step_number"].format(number=number) if number else "",
            })
            if state == "step":  # the form: only a step shows it
                offered = self._choices_in_order(step, play.offered_choices(scenario, progress))
                context.update({
                    "choices": [{"id": c.id, "label": c.label} for c in offered],
                    "can_back": self.allow_back and bool(self.path),
                    "loop_notice": self.texts()["loop_way_on"] if len(offered) < len(step.choices) else "",
                })
            if state == "feedback":
                decision = play.decisions(scenario, [self.path[-1]])[0]
                context["chosen"] = self._decision_context(decision)
                context["next_is_end"] = scenario.node(self.node_id).is_end
        elif state == "end":
            context.update(self._end_context())
        else:
            context.update(self._closed_context())
        return self.render_template("scenario_body.html", context)

    def _choices_in_order(self, step, offered) -> tuple:
        """The offered choices in the authored order, or in this learner's own order when shuffled."""
        if not self.shuffle:
            return offered
        seed = f"{self.scope_ids.user_id}:{self.scope_ids.usage_id}"
        return tuple(c for c in choice_order(step, seed) if c in offered)

    def _take_notice(self) -> str:
        notice = self.notice
        if not notice:  # nothing to take: the field is left unwritten
            return ""
        self.notice = ""
        if notice == "updated":
            return self._("The course team has updated this scenario, so it starts again from the beginning. "
                          "Your best score so far is kept.")
        return ""

    def _decision_context(self, decision: play.Decision) -> dict:
        choice = decision.choice
        return {
            "step_title": decision.step_title,
            "label": choice.label,
            "feedback": choice.feedback,
            "quality": choice.quality or "",
            "quality_label": self.texts()["quality"].get(choice.quality or "", ""),
        }

    def _score_context(self) -> dict:
        texts = self.score_texts(self.last_points or 0, self.best_points or 0, self.max_score())
        played = self.translator.ngettext("You have played this scenario {count} time.",
                                          "You have played this scenario {count} times.", self.attempts)
        possible = self.max_score()
        return {
            "earned": self.last_points or 0, "possible": possible,  # the score bar's size
            "percent": round(100 * (self.last_points or 0) / possible) if possible else 0,
            "points_text": texts["this_attempt"],
            "best_text": texts["best"],
            "attempts_text": texts["attempts_left"] or played.format(count=self.attempts),
        }

    def _end_context(self) -> dict:
        scenario = self.scenario
        end = scenario.node(self.node_id)
        texts = self.texts()
        return {
            "end": {"id": end.id, "title": end.title, "parts": parts_context(end.body, texts),
                    "outcome": end.outcome or "", "outcome_label": texts["outcome"].get(end.outcome or "", "")},
            "recap": [self._decision_context(d) for d in play.decisions(scenario, self.path)],
            "score": self._score_context(),
            "can_restart": self.attempts_left(),
        }

    def _closed_context(self) -> dict:
        return {"score": self._score_context()}

    def _tally_context(self) -> list:
        rows = []
        for step in self.scenario.steps:
            counts = self.choice_tally.get(step.id, {})
            total = sum(counts.get(c.id, 0) for c in step.choices)
            rows.append({
                "title": step.title or step.id,
                "total": total,
                "choices": [{"label": plain_text(c.label), "count": counts.get(c.id, 0),
                             "percent": round(100 * counts.get(c.id, 0) / total) if total else 0,
                             "quality_label": self.texts()["quality"].get(c.quality or "", "")}
                            for c in step.choices],
            })
        return rows

    # ------------------------------------------------------------------ handlers

    def _response(self, focus: str, announce: str = "") -> dict:
        return {"html": self.handler_html(self._render_body()), "focus": focus, "announce": announce}

    def current_view(self) -> str:
        self._sync_with_content()
        return self._render_body()

    @learner_action
    def choose(self, data, suffix=""):
        """Record the learner's choice on the current step; answer with its feedback."""
        _ = self._
        step_id = self.text_arg(data, "step")
        choice_id = self.text_arg(data, "choice")
        self.check_version(data)
        self._sync_with_content()
        scenario = self.scenario
        if not self.attempts_left() and not play.is_finished(scenario, self._progress()):
            # e.g. an edit restarted a learner who had used every attempt: the edit gives none back
            raise bad_request(_("You have used all your attempts."))
        try:
            progress = play.choose(scenario, self._progress(), step_id, choice_id)
        except play.MoveError as error:
            raise bad_request(error.message(_)) from None
        self._store(progress)
        self._count_choice(step_id, choice_id)
        choice = scenario.node(step_id).choice(choice_id)
        # For learning analytics (the LMS tracking log): every decision, not only the outcome.
        self.runtime.publish(self, "xblock.f2l_scenario.choice_made", {
            "step": step_id, "choice": choice_id, "points": choice.points, "quality": choice.quality or "",
            "attempt": self.attempts + 1, "version": self.version,
        })
        if play.is_finished(scenario, progress):
            self._finish_attempt(scenario)
        return self._response("feedback", _("Feedback on your choice"))

    @learner_action
    def proceed(self, data, suffix=""):
        """The learner has read the feedback: show the next step or the end."""
        self._sync_with_content()
        if not self.showing_feedback:
            raise bad_request(self._("There is no feedback to continue from."))
        self._store(play.acknowledge(self._progress()))
        return self._response("step")

    @learner_action
    def back(self, data, suffix=""):
        """Undo the last decision, where the course team allows it."""
        self._sync_with_content()
        if not self.allow_back:
            raise bad_request(self._("Going back is not enabled for this scenario."))
        try:
            self._store(play.back(self.scenario, self._progress()))
        except play.MoveError as error:
            raise bad_request(error.message(self._)) from None
        return self._response("step")

    @learner_action
    def restart(self, data, suffix=""):
        """Start a new attempt after an end, while attempts remain."""
        self._sync_with_content()
        if not play.is_finished(self.scenario, self._progress()):
            raise bad_request(self._("You can start again once you have reached an end."))
        if not self.attempts_left():
            raise bad_request(self._("You have used all your attempts."))
        self._store(play.begin(self.scenario))
        return self._response("step")

    def _count_choice(self, step_id: str, choice_id: str) -> None:
        tally = dict(self.choice_tally)
        counts = dict(tally.get(step_id, {}))
        counts[choice_id] = counts.get(choice_id, 0) + 1
        tally[step_id] = counts
        self.choice_tally = tally

    def _finish_attempt(self, scenario) -> None:
        earned = play.points(scenario, self.path)
        self.attempts += 1
        self.last_points = earned
        self.last_path = [list(p) for p in self.path]
        self.last_node_id = self.node_id
        self.keep_finished_path(self.path)
        if self.best_points is None or earned > self.best_points:
            self.best_points = earned
        end = scenario.node(self.node_id)
        # The attempt's end for learning analytics: its outcome and score, with the choices' events before it.
        self.runtime.publish(self, "xblock.f2l_scenario.ended", {
            "end": end.id, "outcome": end.outcome or "", "points": earned, "max_points": max_score(scenario),
            "attempt": self.attempts, "version": self.version,
        })
        self.publish_grade(self.best_points, max_score(scenario))
        self.publish_completion(1.0)

    # ------------------------------------------------------------------ Studio

    def summary(self, model, settings=None) -> str:
        return self._("Steps: {steps}. Ends: {ends}. Maximum score: {points}.").format(
            steps=len(model.steps), ends=len(model.ends), points=max_score(model))

    def outline_context(self, model, paths: dict) -> dict:
        """Every step and end, where each choice leads, and which cannot be reached or trap learners."""
        texts = self.texts()
        editor = texts["editor"]
        nodes = authoring.scenario_outline(model, paths)
        for node in nodes:
            node["label"] = editor["outline_end" if node["is_end"] else "outline_step"].format(
                id=node["id"], title=node["title"])
            node["anchor"] = (node["path"] or "").replace(".", "-")
            node["outcome_label"] = texts["outcome"].get(node["outcome"], "")
            for choice in node["choices"]:
                choice["quality_label"] = texts["quality"].get(choice["quality"], "")
                choice["target_anchor"] = (choice["target_path"] or "").replace(".", "-")
                if choice["target_exists"]:
                    choice["target_label"] = editor["outline_end" if choice["target_is_end"] else "outline_step"].format(
                        id=choice["target"], title=choice["target_title"])
                elif choice["target"]:
                    choice["target_label"] = editor["outline_missing"].format(id=choice["target"])
                else:
                    choice["target_label"] = editor["outline_no_target"]
                choice["points_text"] = self.translator.ngettext("{count} point", "{count} points",
                                                                 choice["points"]).format(count=choice["points"])
        return {"nodes": nodes}

    def preview(self, model, settings: dict, show: str):
        """A step as learners first see it, or an end as reached with the maximum score."""
        texts = self.texts()
        uid = self.dom_id() + "-preview"
        node = model.node(show) or model.node(model.start) or (model.nodes[0] if model.nodes else None)
        context = {"uid": uid, "t": texts, "notice": "", "version": ""}
        if node is None:
            body = ""
        elif node.is_end:
            best = max_score(model)
            score = self.score_texts(best, best, best)
            context.update(state="end", recap=[], can_restart=True, end={
                "id": node.id, "title": node.title, "parts": parts_context(node.body, texts),
                "outcome": node.outcome or "", "outcome_label": texts["outcome"].get(node.outcome or "", "")},
                score={"points_text": score["this_attempt"], "best_text": score["best"],
                       "attempts_text": score["attempts_left"], "percent": 100 if best else 0})
            body = self.render_template("scenario_body.html", context)
        else:
            context.update(state="step", can_back=False, number_text="", step={
                "id": node.id, "title": node.title, "parts": parts_context(node.body, texts)},
                choices=[{"id": c.id, "label": c.label} for c in node.choices])
            body = self.render_template("scenario_body.html", context)
        html = self.render_template("scenario.html", {"uid": uid, "title": settings.get("display_name"), "t": texts,
                                                      "body": body, "tally": None})
        kinds = texts["editor"]["outline_end"], texts["editor"]["outline_step"]
        options = [(n.id, kinds[0 if n.is_end else 1].format(id=n.id, title=n.title)) for n in model.nodes]
        return html, options, node.id if node is not None else ""

    # ------------------------------------------------------------------ reports

    def report_row_maker(self):
        scenario = self.scenario
        possible = max_score(scenario)
        return lambda state: self._report_row(scenario, possible, state)

    @staticmethod
    def _report_row(scenario, possible: int, state: dict) -> OrderedDict:
        def describe(path):
            return " | ".join(f"{d.step_title or d.step_id}: {plain_text(d.choice.label)}"
                              for d in play.decisions(scenario, path))

        def harmful(path):
            return [d for d in play.decisions(scenario, path) if d.choice.quality == "harmful"]

        last_path = state.get("last_path") or []
        current_path = state.get("path") or []
        end = scenario.node(state.get("last_node_id") or "")
        current = scenario.node(state.get("node_id") or "")
        attempts = state.get("attempts") or 0
        return OrderedDict([
            ("Attempts", attempts),
            ("Best score", clamp_score(state.get("best_points"), possible)
             if state.get("best_points") is not None else ""),
            ("Max score", possible),
            ("Completed", "yes" if attempts else "no"),
            ("Last outcome", (end.title or end.id) if end is not None else ""),
            ("Last outcome rating", (end.outcome or "") if end is not None and end.is_end else ""),
            ("Last path", describe(last_path)),
            ("Last path ids", " ".join(f"{s}:{c}" for s, c in last_path)),
            ("Harmful choices in last path", " | ".join(plain_text(d.choice.label) for d in harmful(last_path))),
            # ids too: a label may contain " | ", and the language runs of a course share ids, not labels
            ("Harmful choice ids", " ".join(f"{d.step_id}:{d.choice.id}" for d in harmful(last_path))),
            ("Current step", (current.title or current.id) if current is not None else ""),
            ("Current path", describe(current_path)),
        ])


precompile('free2link_xblocks.scenario', ("scenario.html", "scenario_body.html", "parts.html"))
