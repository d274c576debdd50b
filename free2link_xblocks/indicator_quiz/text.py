"""Every string the indicator quiz shows, translated in one place.

Templates contain no text of their own; they print these. Plurals use ngettext and whole
sentences with named placeholders, so translators never assemble fragments.
"""

from __future__ import annotations

from ..common.text import answered_text


def ui_text(t) -> dict:
    _ = t.gettext
    return {
        **answered_text(t),
        "case_heading": _("The case"),
        "default_prompt": _("Which of these indicators are present in this case?"),
        "tick_hint": _("Tick every indicator you see in this case, then submit. If you see none of them, "
                       "submit without ticking any."),
        "confirm_none_text": _("You have not ticked any indicator. Do you mean that none of them is present in "
                               "this case?"),
        "confirm_none": _("Yes, none of them is present"),
        "cancel_none": _("No, go back to the list"),
        "all_right": _("You judged every indicator correctly."),
        "not_all_right": _("Not every indicator was judged correctly. Read the feedback on each one below."),
        "marking_heading": _("Each indicator, explained"),
        "count_spotted": _("Spotted"),
        "count_missed": _("Missed"),
        "read_why": _("Why"),
        "expected_heading": _("Show the expected answer"),
        "expected_intro": _("The indicators present in this case:"),
        "expected_none": _("None of these indicators is present in this case."),
        "closed": _("You have used all your attempts for this quiz."),
        "tally_heading": _("Which indicators the class missed (visible to course staff only)"),
        "tally_indicator": _("Indicator"),
        "tally_present": _("In the case?"),
        "yes": _("Yes"),
        "no": _("No"),
        "verdict": {
            "spotted": _("You ticked it, and it is present in this case."),
            "missed": _("You missed it: it is present in this case."),
            "left_out": _("Correctly left out: it is not present in this case."),
            "false_alarm": _("You ticked it, but it is not present in this case."),
        },
        "settings": {
            "display_name": (_("Display name"), _("The title learners see above the quiz.")),
            "weight": (_("Weight"), _("How many points this quiz is worth in the course grade.")),
            "max_attempts": (_("Maximum attempts"),
                             _("How many times a learner may submit an answer; 0 means no limit.")),
            "scoring": (_("Scoring"), _("Every decision counts: each indicator judged right earns a point. "
                                        "All or nothing: the point is earned only when every indicator is judged "
                                        "right.")),
            "scoring.every_decision": _("Every decision counts"),
            "scoring.all_or_nothing": _("All or nothing"),
            "shuffle": (_("Shuffle the indicators"),
                        _("Each learner sees the indicators in their own order, which stays the same on reload.")),
        },
        "olx_help": _("The case, the prompt and the indicators in the readable OLX form described in the README. "
                      "Nothing is saved while there are errors."),
    }
