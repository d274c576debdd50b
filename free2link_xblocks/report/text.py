"""Every label of ``report.html`` and of its CSV files, in one place, through one translator.

Whole sentences with named placeholders, as in the blocks' ``text.py``; the report follows the
shell's language (LANGUAGE, LC_ALL, LANG) like ``free2link validate``.
"""

from __future__ import annotations


def report_text(t) -> dict:
    _ = t.gettext
    return {
        "title": _("Training progress report"),
        "made": _("Made on {date} from the Instructor Dashboard downloads listed under “Files read”."),
        "contents": _("Contents"),
        "skip": _("Skip to the report"),
        # summary
        "summary": _("Summary"),
        "figure": _("Figure"),
        "value": _("Value"),
        "enrolled": _("Enrolled"),
        "started": _("Started"),
        "completed": _("Completed every module"),
        "completed_module": _("Completed: {module}"),
        "passed": _("Passed"),
        "mean_grade": _("Average grade"),
        "runs": _("Course runs"),
        "unenrolled": _("Left the course since (unenrolled)"),
        "pass_certificate": _("“Passed” is the LMS’s own verdict: Certificate Eligible is Y."),
        "pass_mark": _("“Passed” means a grade of at least {mark}."),
        "pass_unknown": _("Whether learners passed is unknown: give a grade report, or a pass mark with "
                          "--pass-mark and a report with grades."),
        "pseudonymised": _("Learners are shown under pseudonyms such as “{example}”. Reports made with the same "
                           "--salt give every learner the same pseudonym; names, usernames and emails appear "
                           "only with --identify."),
        "identified": _("This report names learners (made with --identify): keep it confidential and do not "
                        "share it outside the training team."),
        "started_rule": _("“Started” means at least one attempt in any graded item or block. A module is "
                          "completed when every graded item and every scenario and quiz of it in the learner’s "
                          "course run is done."),
        "learner": _("Learner {code}"),
        "learner_column": _("Learner"),
        # funnel
        "funnel": _("Completion funnel"),
        "funnel_caption": _("Learners at each stage, out of those enrolled"),
        "funnel_chart": _("Completion funnel: learners at each stage"),
        "stage": _("Stage"),
        "learners": _("Learners"),
        "share_enrolled": _("Share of enrolled"),
        # groups
        "groups": _("By organisation, country, cohort and course run"),
        "by_organisation": _("By organisation"),
        "by_country": _("By country"),
        "by_cohort": _("By cohort"),
        "by_run": _("By course run"),
        "organisation": _("Organisation"),
        "country": _("Country"),
        "cohort": _("Cohort"),
        "run": _("Course run"),
        "pass_rate": _("Pass rate"),
        "not_in_roster": _("(not given)"),
        "no_roster": _("No organisation, country or cohort is known: give a roster with --roster."),
        "organisation_chart": _("Share of learners who completed every module, by organisation"),
        # learners × modules
        "matrix": _("Learners and modules"),
        "matrix_caption": _("Each learner’s status in each module"),
        "status_completed": _("Completed"),
        "status_started": _("In progress"),
        "status_not_started": _("Not started"),
        "status_none": _("Not in this learner’s course run"),
        "grade": _("Grade"),
        "yes": _("Yes"),
        "no": _("No"),
        "unknown": _("Unknown"),
        "username": _("Username"),
        "email": _("Email"),
        "name": _("Name"),
        "legend": _("Key"),
        "no_modules": _("No module could be found in the input."),
        "matrix_capped": _("The first {count} of {total} learners are shown, by organisation and country; "
                           "learners.csv has them all."),
        # completion over time
        "timeline": _("Completion over time"),
        "timeline_caption": _("Share of learners who completed each module, in each grade report of a course run "
                              "(by the date the report was made)"),
        "timeline_chart": _("Completion over time: share of learners who completed each module, by date"),
        "timeline_bar": _("{module}, {date}"),
        "date": _("Date"),
        # blocks
        "blocks": _("Scenarios and quizzes"),
        "blocks_caption": _("Learners who opened and completed each scenario and quiz"),
        "block": _("Block"),
        "kind": _("Type"),
        "scenario": _("Branching scenario"),
        "quiz": _("Indicator quiz"),
        "opened": _("Opened by"),
        "completed_by": _("Completed by"),
        "mean_score": _("Average best score"),
        "no_blocks": _("No scenario or quiz was found in the input: give a problem responses report with "
                       "--responses."),
        # missed indicators
        "missed": _("Indicators most often missed"),
        "missed_caption": _("Indicators present in a case that learners did not tick, in their last answer"),
        "missed_chart": _("Indicators most often missed: share of learners who answered"),
        "quiz_column": _("Quiz"),
        "indicator": _("Indicator"),
        "missed_by": _("Missed by"),
        "answered": _("Learners who answered"),
        "share": _("Share"),
        "no_missed": _("No missed indicator in the input."),
        # harmful choices
        "harmful": _("Harmful choices most often taken"),
        "harmful_caption": _("Choices the scenario’s feedback calls harmful, in each learner’s last finished "
                             "attempt"),
        "harmful_chart": _("Harmful choices most often taken: share of learners who finished"),
        "scenario_column": _("Scenario"),
        "choice": _("Choice"),
        "taken_by": _("Taken by"),
        "finished": _("Learners who finished"),
        "no_harmful": _("No harmful choice in the input."),
        "top_note": _("The {count} most frequent are shown; {file} has them all."),
        # red flags
        "red_flags": _("Red-flag exercise"),
        "red_flags_section": _("Red-flag exercises"),
        "red_flags_caption": _("Each red-flag exercise: how many red flags learners spotted and missed, and how "
                               "many phrases they selected wrongly (false alarms), on average over their last "
                               "answers"),
        "exercise": _("Exercise"),
        "mean_spotted": _("Red flags spotted (average)"),
        "mean_missed": _("Red flags missed (average)"),
        "mean_false_alarms": _("False alarms (average)"),
        "missed_flags": _("Red flags the class missed"),
        "missed_flags_caption": _("Red flags in a text that learners did not select, in their last answer"),
        "missed_flags_chart": _("Red flags most often missed: share of learners who answered"),
        "red_flag": _("Red flag"),
        "no_missed_flags": _("No missed red flag in the input."),
        # input
        "problems": _("Problems with the input"),
        "problems_intro": _("These files or lines could not be used, or were read with care; everything else is "
                            "in the report."),
        "no_problems": _("None: every line was used."),
        "files": _("Files read"),
        "files_caption": _("The downloads this report was made from"),
        "file": _("File"),
        "rows_used": _("Rows read"),
        "rows_skipped": _("Rows skipped"),
        "file_unused": _("Not used"),
        "kind_grades": _("Grade report"),
        "kind_problem-grades": _("Problem grade report"),
        "kind_responses": _("Problem responses report"),
        "kind_roster": _("Roster"),
        "other_rows": _("Rows about other kinds of problems in the problem responses report (not counted): "
                        "{count}."),
        "more_problems": _("… and {count} more: all are in problems.csv."),
        "downloads": _("The same tables as CSV files for spreadsheets, in this folder:"),
        "chart_value": _("{label}: {count} ({share})"),
    }
