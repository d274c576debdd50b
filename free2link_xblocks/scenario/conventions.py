"""The scenario's part of the Open edX conventions (see ``common/conventions.py``): the mobile app's
data, course search and rescoring."""

from __future__ import annotations

from xblock.scorable import Score

from ..common.conventions import OpenEdxConventions, parts_data, parts_text
from ..core import play
from ..core.scenario import max_score

MAX_KEPT_PATHS = 20  # finished walks kept for rescoring (the best one is always kept)


class ScenarioConventions(OpenEdxConventions):
    search_content_type = "Branching scenario"

    # ------------------------------------------------------------------ mobile app

    def student_view_data(self, context=None):
        """What a native client needs to show where this learner stands, and nothing ahead: the current
        step's narrative and choices (labels only), the feedback of the choice just made, or the end reached
        with its debrief. Without a learner (the course blocks API collects it once) that is the first step."""
        scenario = self.scenario
        progress = self._progress()
        if not self.node_id or not play.is_consistent(scenario, progress):  # not started, or the content changed
            progress = play.begin(scenario)  # as student_view will show it (the data changes nothing)
        data = {"display_name": self.display_name, "version": self.version, "max_attempts": self.max_attempts,
                "attempts": self.attempts, "allow_back": self.allow_back, "max_score": max_score(scenario),
                "best_score": self.best_points, "state": "step"}
        if self.showing_feedback and progress.path:
            step_id, choice_id = progress.path[-1]
            choice = scenario.node(step_id).choice(choice_id)
            data.update(state="feedback", step=self._step_data(scenario.node(step_id)),
                        chosen={"id": choice.id, "label": choice.label, "feedback": choice.feedback,
                                "quality": choice.quality or ""})
        elif play.is_finished(scenario, progress):
            end = scenario.node(progress.node_id)
            data.update(state="end", end={"id": end.id, "title": end.title, "outcome": end.outcome or "",
                                          "body": parts_data(end.body)},
                        path=[{"step": d.step_title, "label": d.choice.label, "feedback": d.choice.feedback,
                               "quality": d.choice.quality or ""} for d in play.decisions(scenario, progress.path)],
                        last_score=self.last_points)
        elif self.max_attempts and self.attempts >= self.max_attempts:
            data["state"] = "closed"
        else:
            data["step"] = self._step_data(scenario.node(progress.node_id))
        return data

    @staticmethod
    def _step_data(step) -> dict:
        return {"id": step.id, "title": step.title, "body": parts_data(step.body),
                "choices": [{"id": c.id, "label": c.label} for c in step.choices]}

    # ------------------------------------------------------------------ course search

    def search_text(self) -> dict:
        """The situation: every step's title and narrative (not choices, feedback or debriefs)."""
        return {"situation": " ".join(" ".join(t for t in (step.title, parts_text(step.body)) if t)
                                      for step in self.scenario.steps)}

    # ------------------------------------------------------------------ rescoring (ScorableXBlockMixin)

    def has_submitted_answer(self):
        return self.attempts > 0

    def get_score(self):
        return Score(self.best_points or 0, self.max_score())

    def set_score(self, score):
        self.best_points = int(round(score.raw_earned))

    def calculate_score(self):
        """The best finished walk, marked against the scenario as it is now. Walks that an edit made
        impossible do not count; when none is left, the score stands."""
        scenario = self.scenario
        earned = [play.points(scenario, path) for path in self.kept_paths()
                  if self._still_finishes(scenario, path)]
        return Score(max(earned) if earned else self.best_points or 0, max_score(scenario))

    def kept_paths(self) -> list:
        paths = [tuple(tuple(p) for p in path) for path in list(self.finished_paths) + [self.last_path] if path]
        return list(dict.fromkeys(paths))

    def keep_finished_path(self, path) -> None:
        """Keep the latest finished walks, and always the best one, so a rescore never loses it."""
        paths = list(self.finished_paths) + [[list(p) for p in path]]
        if len(paths) > MAX_KEPT_PATHS:
            scenario = self.scenario
            best = max(paths, key=lambda walk: play.points(scenario, walk) if self._still_finishes(scenario, walk) else -1)
            paths = paths[-MAX_KEPT_PATHS:] if best in paths[-MAX_KEPT_PATHS:] else [best, *paths[-MAX_KEPT_PATHS + 1:]]
        self.finished_paths = paths

    @staticmethod
    def _still_finishes(scenario, path) -> bool:
        step = scenario.node(path[-1][0])
        choice = step.choice(path[-1][1]) if step is not None and not step.is_end else None
        end = scenario.node(choice.next) if choice is not None else None
        return end is not None and end.is_end and play.is_consistent(scenario, play.Progress(end.id, path, False))
