"""Every string the red flags block shows, translated in one place.

Templates contain no text of their own; they print these. Plurals use ngettext and whole
sentences with named placeholders, so translators never assemble fragments.
"""

from __future__ import annotations

from ..common.text import answered_text


def ui_text(t) -> dict:
    _ = t.gettext
    return {
        **answered_text(t),
        "intro_heading": _("The situation"),
        "default_prompt": _("Select every part of the text that is a red flag of possible trafficking."),
        "select_hint": _("Each sentence or part of a sentence can be selected: tap or click it, or move to it "
                         "with the Tab key and press Space or Enter. Select it again to unselect it. Then submit."),
        "none_selected": _("Nothing selected yet."),
        "select_first": _("Select at least one part of the text, then submit."),
        "all_right": _("You spotted every red flag, with no false alarm."),
        "count_spotted": _("Red flags spotted"),
        "count_missed": _("Red flags not selected"),
        "text_marked": _("The text, with the red flags marked"),
        "flags_heading": _("Each red flag, explained"),
        "flag_number": _("Red flag {number}"),
        "alarm_number": _("Your selection {letter}"),
        "spotted": _("You spotted it."),
        "missed": _("You did not select it."),
        "false_alarm": _("You selected it, but it is not one of the red flags in this text."),
        "tag_spotted": _("spotted"),
        "tag_missed": _("not selected"),
        "tag_false_alarm": _("not a red flag"),
        "alarms_heading": _("Your other selections"),
        "alarm_generic": _("This is not one of the red flags in this text. Noticing details is good; look at the "
                           "explanation to see what the warning signs here are."),
        "source": _("Source: {source}"),
        "scoring_rule": _("Each red flag you spot earns a point; each selection that is not a red flag takes one "
                          "away (never below zero)."),
        "closed": _("You have used all your attempts for this exercise."),
        "tally_heading": _("Which red flags the class missed (visible to course staff only)"),
        "tally_flag": _("Red flag"),
        "tally_alarms": _("Most often selected by mistake"),
        "settings": {
            "display_name": (_("Display name"), _("The title learners see above the exercise.")),
            "weight": (_("Weight"), _("How many points this exercise is worth in the course grade.")),
            "max_attempts": (_("Maximum attempts"),
                             _("How many times a learner may submit an answer; 0 means no limit.")),
        },
        "olx_help": _("The text with its red flags in the readable OLX form described in the README. Nothing is "
                      "saved while there are errors."),
    }
