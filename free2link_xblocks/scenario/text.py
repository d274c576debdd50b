"""Every string the scenario shows, translated in one place.

Templates contain no text of their own; they print these. Plurals use ngettext and whole
sentences with named placeholders, so translators never assemble fragments.
"""

from __future__ import annotations


def ui_text(t) -> dict:
    _ = t.gettext
    return {
        "region": _("Branching scenario"),
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
        "debrief_heading": _("Debrief: key points"),
        "try_again": _("Try again"),
        "no_attempts_left": _("You have used all your attempts. You can review the debrief above."),
        "closed": _("You have used all your attempts for this scenario."),
        "chat_label": _("Chat conversation"),
        "chat_on": _("Chat on {platform}"),
        "advert_label": _("Job advert"),
        "advert_source": _("Seen on: {source}"),
        "sender_self": _("(the person you are helping)"),
        "error": _("Something went wrong. Please try again."),
        "offline": _("Your answer could not be sent. Check your connection and try again."),
        "working": _("Sending…"),
        "tally_heading": _("How the class chose (visible to course staff only)"),
        "tally_total": _("Choices made at this step: {total}"),
        "tally_none": _("No learner has reached this step yet."),
        "display_name": _("Display name"),
        "weight": _("Weight"),
        "weight_help": _("How many points this scenario is worth in the course grade."),
        "max_attempts": _("Maximum attempts"),
        "max_attempts_help": _("How many times a learner may play to an end; 0 means no limit."),
        "allow_back": _("Let learners go back to the previous step"),
        "olx": _("Scenario (OLX)"),
        "olx_help": _("Steps, choices and ends in the readable OLX form described in the README. "
                      "Nothing is saved while there are errors."),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "saving": _("Saving"),
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
