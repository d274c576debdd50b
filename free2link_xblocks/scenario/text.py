"""Every string the scenario shows, translated in one place.

Templates contain no text of their own; they print these. Plurals use ngettext and whole
sentences with named placeholders, so translators never assemble fragments.
"""

from __future__ import annotations


def ui_text(t) -> dict:
    _ = t.gettext
    return {
        "step_number": _("Decision {number}"),
        "your_options": _("What do you do?"),
        "confirm": _("Confirm my choice"),
        "choose_first": _("Please select one of the options first."),
        "your_choice": _("Your choice"),
        "feedback": _("Feedback"),
        "continue": _("Continue"),
        "see_outcome": _("See the outcome"),
        "back": _("Go back to the previous step"),
        "outcome_heading": _("Outcome"),
        "score_heading": _("Your score"),
        "recap_heading": _("The path you took"),
        "try_again": _("Try again"),
        "no_attempts_left": _("You have used all your attempts. You can still read the outcome and your path above."),
        "closed": _("You have used all your attempts for this scenario."),
        "loop_way_on": _("You have come back to this decision more than once. The options that led you back "
                         "here are no longer offered, so that you can move on."),
        "tally_heading": _("How the class chose (visible to course staff only)"),
        "tally_none": _("No learner has reached this step yet."),
        "settings": {
            "display_name": (_("Display name"), _("The title learners see above the scenario.")),
            "weight": (_("Weight"), _("How many points this scenario is worth in the course grade.")),
            "max_attempts": (_("Maximum attempts"),
                             _("How many times a learner may play to an end; 0 means no limit.")),
            "allow_back": (_("Let learners go back to the previous step"),
                           _("Learners can undo their last decision until they reach an end.")),
            "shuffle": (_("Shuffle the choices"),
                        _("Each learner sees the choices of every step in their own order, which stays the same "
                          "on reload.")),
        },
        "olx_help": _("Steps, choices and ends in the readable OLX form described in the README. "
                      "Nothing is saved while there are errors."),
        "quality": {
            "good": _("A helpful choice"),
            "partial": _("A partly helpful choice"),
            "harmful": _("A harmful choice"),
            "": "",
        },
        "outcome": {
            "good": _("Good outcome"),
            "mixed": _("Mixed outcome"),
            "poor": _("Poor outcome"),
            "": "",
        },
    }
