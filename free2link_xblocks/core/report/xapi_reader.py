"""Statements exported from an LRS (JSON lines, as `GET /xAPI/statements` pages or one statement a line) read
as what the problem responses report says of our blocks: one row per learner and block, with the columns the
responses reader counts (attempts, best and max score, harmful choices of the last path, missed indicators of
the last answer, red flags spotted and missed and false alarms of the last answer). The report core reads that
file as it reads the LMS's own, so both give the same rankings.

Learners are the statements' anonymous account names; nothing else about them is in a statement."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from ...analytics import xapi
from ..problems import N_, Problem
from .readers import ATTEMPTS, BEST, MAX

COLUMNS = ["username", "block_key", "title", ATTEMPTS, BEST, MAX, "completed", "current path",
           "harmful choice ids", "last outcome", "missed ids", "ticked ids", "spotted ids", "false alarm count"]
ANSWERS = (xapi.QUIZ_SUBMITTED, xapi.RED_FLAGS_SUBMITTED)


@dataclass
class _BlockRecord:
    title: str = ""
    event: str = ""  # the event of the block's answers (the scenario's: its end)
    attempts: set = field(default_factory=set)
    best: float | None = None
    maximum: float | None = None
    last: tuple = ()  # (attempt, timestamp) of the last end or answer
    last_facts: dict = field(default_factory=dict)
    choices: dict = field(default_factory=dict)  # attempt -> [(timestamp, choice id, quality)]


def statements_to_responses(source, target) -> list[tuple[str, Problem]]:
    """Write ``target`` (a problem-responses-shaped CSV) from the statements in ``source``; return the
    ``(file:line, problem)`` pairs of lines that could not be used (the rest is kept)."""
    records: dict[tuple[str, str], _BlockRecord] = {}
    problems = []
    with open(source, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                page = json.loads(line)
            except ValueError:
                problems.append((f"{source}:{number}", Problem(N_("this line is not JSON; it was skipped"))))
                continue
            found = page.get("statements") if isinstance(page, dict) and "statements" in page else [page]
            for statement in found if isinstance(found, list) else []:
                if not _add(records, statement):
                    problems.append((f"{source}:{number}", Problem(N_(
                        "a statement of our blocks lacks its actor, object or result; it was skipped"))))
    _write(records, target)
    return problems


def _add(records, statement) -> bool:
    """Fold one statement in; False for a statement of ours that cannot be read (others are not ours: ignored)."""
    event = xapi.event_of(statement)
    if event is None:
        return True
    try:
        learner = statement["actor"]["account"]["name"]
        iri = statement["object"]["id"]
        facts = statement["result"]["extensions"]
    except (KeyError, TypeError):
        return False
    if "/xblock/" not in iri or not isinstance(facts, dict):
        return False
    usage_key = iri.split("/xblock/", 1)[1]
    record = records.setdefault((learner, usage_key), _BlockRecord(
        event=event if event in ANSWERS else xapi.SCENARIO_ENDED))
    record.title = ((statement["object"].get("definition") or {}).get("name") or {}).get("en-US", record.title)
    when = (facts.get(xapi.ATTEMPT) or 0, statement.get("timestamp") or "")
    if event == xapi.CHOICE_MADE:
        choice = f"{facts.get(xapi.STEP)}:{facts.get(xapi.CHOICE)}"  # as the block's "Harmful choice ids"
        record.choices.setdefault(when[0], []).append((when[1], choice, facts.get(xapi.QUALITY)))
        return True
    score = statement["result"].get("score") or {}
    record.attempts.add(when[0])
    raw = score.get("raw")
    if isinstance(raw, (int, float)):
        record.best = raw if record.best is None else max(record.best, raw)
    if isinstance(score.get("max"), (int, float)):
        record.maximum = score["max"]
    if when >= record.last:
        record.last, record.last_facts = when, facts
    return True


def _write(records, target) -> None:
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for (learner, usage_key), record in sorted(records.items()):
            writer.writerow(_row(learner, usage_key, record))


def _row(learner, usage_key, record) -> list:
    ended = bool(record.attempts)
    facts = record.last_facts
    under_way = [] if ended else sorted(c for choices in record.choices.values() for c in choices)
    harmful = outcome = missed = ticked = spotted = alarms = ""
    if record.event == xapi.QUIZ_SUBMITTED:
        missed, ticked = _ids(facts.get(xapi.MISSED)), _ids(facts.get(xapi.SELECTED))
    elif record.event == xapi.RED_FLAGS_SUBMITTED:
        missed, spotted = _ids(facts.get(xapi.MISSED)), _ids(facts.get(xapi.SPOTTED))
        alarms = facts.get(xapi.FALSE_ALARM_COUNT, 0)
        alarms = alarms if isinstance(alarms, int) and not isinstance(alarms, bool) else ""
    else:
        last_path = sorted(record.choices.get(record.last[0], [])) if ended else []
        harmful = " ".join(dict.fromkeys(c for _when, c, quality in last_path if quality == "harmful"))
        outcome = facts.get(xapi.OUTCOME, "")
    answered = record.event in ANSWERS
    return [learner, usage_key, record.title, len(record.attempts),
            "" if record.best is None else _plain(record.best), "" if record.maximum is None else _plain(record.maximum),
            "" if answered else ("yes" if ended else "no"), " ".join(c for _w, c, _q in under_way),
            harmful, outcome, missed, ticked, spotted, alarms]


def _ids(value) -> str:
    """A list of ids as the block's report column writes it ("" for anything else)."""
    return " ".join(str(item) for item in value) if isinstance(value, list) else ""


def _plain(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def responses_file_for(source, folder) -> tuple[Path, list]:
    """The CSV for ``source`` in ``folder`` (a temporary folder of the caller's)."""
    target = Path(folder) / (Path(source).stem + ".responses.csv")
    return target, statements_to_responses(source, target)
