"""Our blocks' tracking events as xAPI 1.0.3 statement parts, in edx-event-routing-backends' conventions.

Pure Python (no Django, no event-routing-backends): routing.py wraps these in the router's transformer classes,
and `free2link report --statements` reads statements back with the same names. The actor is always the
router's anonymous account id; no statement carries a learner's name or email.
"""

import uuid

CHOICE_MADE = "xblock.f2l_scenario.choice_made"
SCENARIO_ENDED = "xblock.f2l_scenario.ended"
QUIZ_SUBMITTED = "xblock.f2l_indicator_quiz.submitted"
RED_FLAGS_SUBMITTED = "xblock.f2l_red_flags.submitted"
EVENTS = (CHOICE_MADE, SCENARIO_ENDED, QUIZ_SUBMITTED, RED_FLAGS_SUBMITTED)

# Verbs and activity types from the ADL vocabulary that the router's own transformers use.
ANSWERED = ("http://adlnet.gov/expapi/verbs/answered", "answered")
COMPLETED = ("http://adlnet.gov/expapi/verbs/completed", "completed")
VERBS = {CHOICE_MADE: ANSWERED, SCENARIO_ENDED: COMPLETED, QUIZ_SUBMITTED: ANSWERED, RED_FLAGS_SUBMITTED: ANSWERED}
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
QUESTION = "http://adlnet.gov/expapi/activities/question"
ACTIVITY_TYPES = {CHOICE_MADE: INTERACTION, SCENARIO_ENDED: SIMULATION, QUIZ_SUBMITTED: QUESTION,
                  RED_FLAGS_SUBMITTED: QUESTION}
# A red-flags answer is a graded answer to the whole block, as the quiz's (so `question`), made by picking any
# number of a fixed set of options, the text's units (so cmi.interaction's `choice`, as the router maps the
# platform's checkbox problems; the response is the picked ids joined with "[,]").
INTERACTION_TYPES = {CHOICE_MADE: "choice", QUIZ_SUBMITTED: "choice", RED_FLAGS_SUBMITTED: "choice"}

# Our result extensions: the facts a trainer's report needs, by the block's own ids.
EXTENSION_ROOT = "https://w3id.org/xapi/free2link/extensions/"
STEP, CHOICE, QUALITY = EXTENSION_ROOT + "step", EXTENSION_ROOT + "choice", EXTENSION_ROOT + "quality"
END, OUTCOME, POINTS = EXTENSION_ROOT + "end", EXTENSION_ROOT + "outcome", EXTENSION_ROOT + "points"
SELECTED, MISSED, FALSE_ALARMS = (EXTENSION_ROOT + "selected", EXTENSION_ROOT + "missed",
                                  EXTENSION_ROOT + "false-alarms")
SPOTTED, FALSE_ALARM_COUNT = EXTENSION_ROOT + "spotted", EXTENSION_ROOT + "false-alarm-count"
ATTEMPT = "http://id.tincanapi.com/extension/attempt-id"  # as the router's exam transformers
CONTENT_VERSION = EXTENSION_ROOT + "content-version"

# Registrations group one attempt's statements; a fixed namespace makes them reproducible on re-processing.
REGISTRATION_NAMESPACE = uuid.UUID("6f1d2a4e-5b0c-4f7e-9a61-f2f2c0de1420")


def block_iri(lms_root: str, usage_key: str) -> str:
    """The block's activity IRI, as the router's problem and completion transformers build it."""
    return f"{lms_root.rstrip('/')}/xblock/{usage_key}"


def verb(event_name: str) -> dict:
    verb_id, display = VERBS[event_name]
    return {"id": verb_id, "display": {"en": display}}


def activity_definition(event_name: str, display_name: str | None) -> dict:
    definition = {"type": ACTIVITY_TYPES[event_name]}
    if event_name in INTERACTION_TYPES:
        definition["interactionType"] = INTERACTION_TYPES[event_name]
    if display_name:
        definition["name"] = {"en-US": display_name}
    return definition


def registration(actor_id: str, usage_key: str, attempt) -> str:
    """One UUID per learner, block and attempt: every statement of a scenario attempt shares it."""
    return str(uuid.uuid5(REGISTRATION_NAMESPACE, f"{actor_id}|{usage_key}|{attempt}"))


def result(event_name: str, data: dict) -> dict:
    """The xAPI result of one of our events' data (as the blocks publish it)."""
    return {CHOICE_MADE: _choice_result, SCENARIO_ENDED: _end_result, QUIZ_SUBMITTED: _quiz_result,
            RED_FLAGS_SUBMITTED: _red_flags_result}[event_name](data)


def event_of(statement) -> str | None:
    """Which of our events a statement was made from, or None for any other statement. The quiz's and the red
    flags' answers share verb and type: a red-flags result always names the flags spotted."""
    if not isinstance(statement, dict):
        return None
    verb_id = (statement.get("verb") or {}).get("id")
    kind = (((statement.get("object") or {}).get("definition")) or {}).get("type")
    found = [name for name in EVENTS if VERBS[name][0] == verb_id and ACTIVITY_TYPES[name] == kind]
    if len(found) > 1:
        facts = (statement.get("result") or {}).get("extensions")
        return RED_FLAGS_SUBMITTED if isinstance(facts, dict) and SPOTTED in facts else QUIZ_SUBMITTED
    return found[0] if found else None


def _score(earned, possible) -> dict:
    score = {"raw": earned, "min": 0}
    if possible and possible > 0:
        score.update(max=possible, scaled=round(max(0.0, min(1.0, earned / possible)), 4))
    return score


def _common(data: dict) -> dict:
    return {ATTEMPT: data.get("attempt"), CONTENT_VERSION: data.get("version")}


def _choice_result(data: dict) -> dict:
    return {"response": data["choice"],
            "extensions": {**_common(data), STEP: data["step"], CHOICE: data["choice"],
                           QUALITY: data.get("quality") or "", POINTS: data.get("points", 0)}}


def _end_result(data: dict) -> dict:
    return {"completion": True, "success": data.get("outcome") == "good" if data.get("outcome") else None,
            "score": _score(data.get("points", 0), data.get("max_points")),
            "extensions": {**_common(data), END: data["end"], OUTCOME: data.get("outcome") or ""}}


def _quiz_result(data: dict) -> dict:
    earned, possible = data.get("earned", 0), data.get("possible", 0)
    return {"response": "[,]".join(data.get("selected", [])), "completion": True,
            "success": bool(possible) and earned >= possible, "score": _score(earned, possible),
            "extensions": {**_common(data), SELECTED: list(data.get("selected", [])),
                           MISSED: list(data.get("missed", [])), FALSE_ALARMS: list(data.get("false_alarms", []))}}


def _red_flags_result(data: dict) -> dict:
    """Flags by their ids (as the block's report), the selection by unit numbers; false alarms counted, as the
    report counts them (their units say nothing without the text)."""
    earned, possible = data.get("earned", 0), data.get("possible", 0)
    return {"response": "[,]".join(str(unit) for unit in data.get("selected", [])), "completion": True,
            "success": bool(possible) and earned >= possible, "score": _score(earned, possible),
            "extensions": {**_common(data), SPOTTED: list(data.get("spotted", [])),
                           MISSED: list(data.get("missed", [])),
                           FALSE_ALARM_COUNT: len(data.get("false_alarms", []))}}


def drop_empty(value):
    """Statements carry no null fields (the router's del_none does the same)."""
    if isinstance(value, dict):
        return {k: drop_empty(v) for k, v in value.items() if v is not None}
    return value
