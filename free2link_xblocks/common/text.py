"""Strings shared by every block (chat and advert captions, errors, the Studio editor).

Templates contain no text of their own; they print these. Whole sentences with named
placeholders, so translators never assemble fragments.
"""

from __future__ import annotations


class Texts(dict):
    """A block's strings. The Studio editor's (``texts["editor"]``) are translated when first asked for:
    learners' requests, most of all, never show them."""

    def __init__(self, translator, strings: dict):
        super().__init__(strings)
        self.translator = translator

    def __missing__(self, key):
        if key != "editor":
            raise KeyError(key)
        self[key] = editor = editor_text(self.translator)
        return editor


def common_text(t) -> Texts:
    _ = t.gettext
    return Texts(t, {
        "chat_label": _("Chat conversation"),
        "chat_on": _("Chat on {platform}"),
        "advert_label": _("Job advert"),
        "advert_source": _("Seen on: {source}"),
        "sender_self": _("(the person you are helping)"),
        "error": _("Something went wrong. Please try again."),
        "offline": _("Your answer could not be sent. Check your connection and try again."),
        "working": _("Sending…"),
        "olx": _("Content (OLX)"),
        "olx_help": _("The content in the readable OLX form described in the README. "
                      "Nothing is saved while there are errors."),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "saving": _("Saving"),
        "errors_heading": _("Nothing was saved. Please correct these problems:"),
        # How strong an indicator is, in the quiz and the red flags alike
        "strength": {
            "strong": _("Strong indicator"),
            "medium": _("Medium indicator"),
            "weak": _("Weak indicator"),
        },
    })


def answered_text(t) -> dict:
    """The strings of the blocks that mark one submitted answer (the indicator quiz, the red flags)."""
    _ = t.gettext
    return {
        "submit": _("Submit my answer"),
        "result_heading": _("Your result"),
        "count_false_alarms": _("False alarms"),
        "explanation_heading": _("Explanation"),
        "try_again": _("Try again"),
        "no_attempts_left": _("You have used all your attempts. You can still read the feedback above."),
        "tally_none": _("No learner has submitted an answer yet."),
        "tally_result": _("Learners' answers"),
    }


def editor_text(t) -> dict:
    """The Studio editor: the page itself, its overview, and (under ``js``) what its script shows."""
    _ = t.gettext
    return {
        "settings": _("Settings"),
        "modes": _("How to edit the content"),
        "tab_form": _("Form"),
        "tab_olx": _("Edit OLX"),
        "tab_preview": _("Preview"),
        "overview": _("Overview"),
        "outline_keys": _("Up and down arrows move through the overview; Enter opens that item in the form."),
        "outline_step": _("Step {id}: {title}"),
        "outline_end": _("End {id}: {title}"),
        "outline_start": _("Start"),
        "outline_unreachable": _("Cannot be reached from the start"),
        "outline_trapped": _("No end can be reached from here"),
        "outline_leads_to": _("leads to"),
        "outline_missing": _("a step that does not exist: \u201c{id}\u201d"),
        "outline_no_target": _("no step chosen yet"),
        "outline_choices": _("Choices of this step"),
        "outline_steps": _("Steps and ends, in the order of the form"),
        "outline_indicators": _("Indicators"),
        "outline_indicator": _("Indicator {id}"),
        "outline_present": _("Present in the case"),
        "outline_absent": _("Not present in the case"),
        "outline_empty": _("Nothing yet."),
        "outline_flags": _("Red flags, and phrases that are not red flags"),
        "outline_flag": _("Red flag"),
        "outline_phrase": _("Not a red flag: feedback if selected"),
        "preview_help": _("How learners will see the content being edited, before it is saved. "
                          "Buttons and options do nothing here."),
        "preview_show": _("Show"),
        "remove_title": _("This step is a target of other choices"),
        "retarget_label": _("Where should those choices lead instead?"),
        "retarget_confirm": _("Move those choices and remove the step"),
        "js": {
            "start_label": _("First step"),
            "start_default": _("The first step in the list"),
            "harmful_cap_label": _("Most points after a harmful choice (optional)"),
            "harmful_cap_help": _("A learner who takes any choice rated harmful scores at most this many points, "
                                  "whatever else they choose. Leave empty for no limit."),
            "end_points_label": _("Points for reaching this end"),
            "end_points_help": _("Added to the points of the choices on the way, so that the outcome counts."),
            "nodes_heading": _("Steps and ends"),
            "step_legend": _("Step {number}"),
            "end_legend": _("End {number}"),
            "choice_legend": _("Choice {number}"),
            "indicator_legend": _("Indicator {number}"),
            "message_legend": _("Message {number}"),
            "text_legend": _("Text"),
            "chat_legend": _("Chat conversation"),
            "advert_legend": _("Job advert or online post"),
            "narrative_legend": _("What the learner reads"),
            "debrief_legend": _("Debrief"),
            "case_legend": _("The case"),
            "choices_legend": _("Choices"),
            "empty": _("Nothing here yet."),
            "id_label": _("Id"),
            "id_help": _("Letters, digits, \"_\", \".\" or \"-\". Used in reports; keep it once learners have "
                         "started."),
            "title_label": _("Title"),
            "outcome_label": _("Rating of this outcome"),
            "not_rated": _("Not rated"),
            "markup_help": _("Simple HTML is allowed: <p>, <strong>, <em>, <ul>, <li>, <a href=\"...\">. "
                             "Scripts, styles and forms are removed."),
            "text_label": _("Text"),
            "platform_label": _("Platform (for example Instagram)"),
            "from_label": _("Sender"),
            "time_label": _("Time (optional)"),
            "self_label": _("Sent by the person the learner is helping"),
            "message_label": _("Message"),
            "source_label": _("Where it was seen (optional)"),
            "advert_title_label": _("Title of the advert (optional)"),
            "advert_text_label": _("Text of the advert"),
            "choice_label": _("What the learner chooses"),
            "next_label": _("Leads to"),
            "next_none": _("Choose a step or an end"),
            "next_missing": _("A step that does not exist: {id}"),
            "steps_group": _("Steps"),
            "ends_group": _("Ends"),
            "target_option": _("{id}: {title}"),
            "points_label": _("Points"),
            "quality_label": _("Quality of this choice"),
            "feedback_label": _("Feedback shown after this choice"),
            "prompt_label": _("Question"),
            "explanation_label": _("Explanation shown after an answer (optional)"),
            "indicator_label": _("What the learner ticks"),
            "present_label": _("Present in this case"),
            "strength_label": _("Strength"),
            "feedback_any": _("Feedback, whatever the learner answers"),
            "feedback_selected": _("Feedback if the learner ticks it (optional)"),
            "feedback_missed": _("Feedback if the learner does not tick it (optional)"),
            "add_step": _("Add a step"),
            "add_end": _("Add an end"),
            "add_choice": _("Add a choice"),
            "add_text": _("Add text"),
            "add_chat": _("Add a chat"),
            "add_advert": _("Add a job advert"),
            "add_message": _("Add a message"),
            "add_indicator": _("Add an indicator"),
            "move_up": _("Move up"),
            "move_down": _("Move down"),
            "duplicate": _("Duplicate"),
            "remove": _("Remove"),
            "added": _("Added."),
            "removed": _("Removed."),
            "moved": _("Moved."),
            "duplicated": _("Duplicated."),
            "problems_heading": _("Please look at these problems:"),
            "not_saved_heading": _("Nothing was saved. Please correct these problems:"),
            "problem_at": _("{field}: {message}"),
            "warnings_heading": _("Warnings (saving is possible, but learners would miss something):"),
            "item_problems": _("Problems to fix here: {count}"),
            "fix_olx_first": _("The OLX has errors. Correct them before you go back to the form."),
            "incoming": _("Choices leading here: {count}."),
            "retarget_later": _("Nowhere yet: I will choose later"),
            "error": _("Something went wrong. Please try again."),
            "saving": _("Saving"),
            "rf_intro_legend": _("The situation (shown above the text, not selectable)"),
            "rf_text_legend": _("The text learners select in"),
            "rf_mark_help": _("Select words in a box of the text above, then press a button: the selection is "
                              "marked with <flag id=\"...\"> and its feedback is added below. A flag must start and "
                              "end where a sentence or a part of a sentence does (after . ! ? ; : or a comma)."),
            "rf_scoring_help": _("Scoring: a red flag is spotted when a learner selects any part of it; every "
                                 "other selection is a false alarm (the parts of one phrase count once). The score "
                                 "is red flags spotted minus false alarms, never below 0, out of the number of red "
                                 "flags."),
            "rf_paragraphs_help": _("In a text or an advert, a blank line starts a new paragraph."),
            "rf_mark_flag": _("Mark as red flag"),
            "rf_mark_phrase": _("Mark as a phrase that is not a red flag"),
            "rf_select_first": _("First select some words in a box of the text."),
            "rf_marked": _("Marked as {id}. Write why in its feedback."),
            "rf_feedbacks_legend": _("Feedback on each red flag and phrase"),
            "rf_feedback_legend": _("Feedback for {id}"),
            "rf_for_label": _("Id of the flag or phrase"),
            "rf_for_help": _("The id written in <flag id=\"...\"> or <phrase id=\"...\"> in the text."),
            "rf_source_label": _("Source (optional)"),
            "rf_why_label": _("Why it is a red flag (or, for a phrase, why it is not)"),
        },
    }
