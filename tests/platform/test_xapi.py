"""Our events as xAPI statements through the real pipeline: edx-event-routing-backends in the LMS (installed by
scripts/platform-test) transforms an enrolled learner's scenario decisions, scenario end and quiz answer, and
another learner's red-flags answer, with our transformers (free2link_xblocks.analytics), and its router sends
them to a Ralph LRS running on loopback with its file-system backend; the statements are read back through the
LRS's `GET /xAPI/statements`.

Checked: every statement is valid xAPI 1.0.3 (the tincan library here; Ralph validates each one with its
own models as it stores them), one statement per learner action, the actor is the anonymous XAPI id (no name, no email), the
object is the block's usage key as an IRI with its type and name, the context names the course run and one
registration per attempt, and the results carry the step, choice, quality and points; the end's outcome and
score; the ticked, missed and false-alarm indicators and the score; the red flags spotted and missed, the
false alarms counted, the selection and the score."""

import base64
import contextlib
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import platform_env
import pytest
from learner import answer_quiz, block_html, play_scenario_to_an_end, red_flags_units, select_red_flags, unit_url

from free2link_xblocks.analytics import xapi

RALPH_START_SECONDS = 60
ROUTED_EVENTS = set(xapi.EVENTS)


# Ralph's LRS API as `ralph runserver -b fs` serves it (uvicorn, loopback), except that its file-system backend
# appends: by default it writes each request with the CREATE operation, which refuses an existing file, so every
# statement after the first would be refused ("Statement indexation failed").
SERVE_RALPH = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    """A Ralph LRS on loopback (its own venv, given by scripts/platform-test as F2L_RALPH), file-system backend,
    basic auth; stopped at the end of the module."""
    ralph = os.environ.get("F2L_RALPH")
    if not ralph or not os.path.exists(ralph):
        pytest.skip("F2L_RALPH (the ralph command in its own venv) is set by scripts/platform-test")
    folder = tmp_path_factory.mktemp("ralph")
    username, password = "free2link-lms", secrets.token_urlsafe(16)
    env = {**os.environ, "RALPH_APP_DIR": str(folder / "app"), "RALPH_AUTH_FILE": str(folder / "auth.json"),
           "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "statements"),
           "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_RUNSERVER_HOST": "127.0.0.1"}
    for variable in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "SERVICE_VARIANT"):
        env.pop(variable, None)
    subprocess.run([ralph, "auth", "-u", username, "-p", password, "-s", "all", "-M", "mailto:lms@lms.example.org",
                    "-w"], env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    log = open(folder / "ralph.log", "wb")  # noqa: SIM115  closed at the end of the module
    (folder / "statements").mkdir(exist_ok=True)
    python = os.path.join(os.path.dirname(ralph), "python")
    server = subprocess.Popen([python, "-c", SERVE_RALPH, str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/xAPI/"
    auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    try:
        wait_until_up(f"http://127.0.0.1:{port}/__heartbeat__", server, folder / "ralph.log")
        yield {"url": url, "username": username, "password": password, "auth": auth, "folder": folder}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
        if os.environ.get("F2L_PLATFORM_RUN"):
            shutil.copy(folder / "ralph.log", os.path.join(os.environ["F2L_PLATFORM_RUN"], "ralph.log"))


def wait_until_up(url, server, log_path):
    deadline = time.monotonic() + RALPH_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError("Ralph stopped:\n" + log_path.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"Ralph did not answer within {RALPH_START_SECONDS}s:\n"
                         + log_path.read_text(errors="replace")[-3000:])


def lrs_get(lrs, **params):
    """Every statement the LRS returns for ``params``, following its `more` links."""
    query = urllib.parse.urlencode(params)
    url, found = f"{lrs['url']}statements?{query}", []
    for _page in range(50):
        request = urllib.request.Request(url, headers={"Authorization": lrs["auth"],
                                                       "X-Experience-API-Version": "1.0.3"})
        with urllib.request.urlopen(request, timeout=10) as response:
            page = json.loads(response.read())
        found.extend(page["statements"])
        if not page.get("more"):
            return found
        url = urllib.parse.urljoin(lrs["url"], page["more"])
    raise AssertionError("more than 50 pages of statements")


class Statements(logging.Handler):
    """The router logs every statement it transforms (XAPI_EVENT_LOGGING_ENABLED) on `xapi_tracking`."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.seen = []

    def emit(self, record):
        self.seen.append(json.loads(record.getMessage()))

    def about(self, *locations) -> list:
        """The statements of our blocks about these blocks."""
        ids = {str(location) for location in locations}
        return [s for s in self.seen if is_ours(s) and s["object"]["id"].split("/xblock/")[-1] in ids]


@contextlib.contextmanager
def recording_statements():
    """The statements the router makes while the block runs, as a :class:`Statements`."""
    recorder = Statements()
    logger = logging.getLogger("xapi_tracking")
    logger.addHandler(recorder)
    logger.setLevel(logging.INFO)
    try:
        yield recorder
    finally:
        logger.removeHandler(recorder)


@pytest.fixture(scope="module")
def played(runs, lrs):
    """An enrolled learner plays the final assessment's scenario to an end and answers its quiz in the en run,
    with the router sending our statements to the LRS."""
    from event_routing_backends.models import RouterConfiguration
    from openedx.core.djangoapps.external_user_ids.models import ExternalIdType

    # a data migration of the platform creates this type; the suite builds its tables from the models
    ExternalIdType.objects.get_or_create(name=ExternalIdType.XAPI, defaults={"description": "xAPI anonymous ids"})
    compare_backend_names_as_mysql_does()
    RouterConfiguration.objects.create(backend_name=RouterConfiguration.XAPI_BACKEND, enabled=True,
                                       route_url=lrs["url"], auth_scheme=RouterConfiguration.AUTH_BASIC,
                                       username=lrs["username"], password=lrs["password"])
    course = runs["en"]
    blocks = final_blocks(course)
    learner = platform_env.make_user("xapi_learner", lang="en", enroll=[course.id])
    client = platform_env.client_for(learner)
    with recording_statements() as recorder:
        scenario, quiz = blocks["f2l_scenario"], blocks["f2l_indicator_quiz"]
        page = client.get(unit_url(scenario.get_parent().location)).content.decode()
        chosen = play_scenario_to_an_end(client, scenario, page, choose=harmful_first)
        answer_quiz(client, quiz, client.get(unit_url(quiz.get_parent().location)).content.decode(), ticks=1)
    ours = recorder.about(scenario.location, quiz.location)
    # the platform's own statements on our blocks (completion's "progressed") and grades are not ours
    assert len(ours) < len(recorder.seen)
    return {"learner": learner, "course": course, "scenario": scenario, "quiz": quiz, "choices": len(chosen),
            "statements": ours}


def harmful_first(step, options: list, visits: int) -> str:
    """A harmful choice wherever a step has one (the ranking must have something to rank); a not harmful one on
    a step seen a third time (a "think again" loop), so that the walk ends."""
    wanted = visits < 3
    return sorted(options, key=lambda o: (step.choice(o).quality == "harmful") != wanted)[0]


def compare_backend_names_as_mysql_does():
    """The router looks its configurations up by its backend's name, "xapi", while the admin stores "xAPI";
    MySQL's default collation compares them case-insensitively, the suite's SQLite does not until the column has
    its NOCASE collation (Django rebuilds the table)."""
    import copy

    from django.db import connection
    from event_routing_backends.models import RouterConfiguration

    old = RouterConfiguration._meta.get_field("backend_name")
    new = copy.copy(old)
    new.db_collation = "NOCASE"
    with connection.schema_editor() as editor:
        editor.alter_field(RouterConfiguration, old, new)


def final_blocks(course):
    from xmodule.modulestore.django import modulestore

    sequential = modulestore().get_item(course.id.make_usage_key("sequential", "m7_assessment"))
    return {b.category: b for unit in sequential.get_children() for b in unit.get_children()
            if b.category in platform_env.OUR_TYPES}


def is_ours(statement) -> bool:
    return xapi.event_of(statement) is not None


def of_verb_and_type(statements, event):
    """The statements of ``event``: by verb and type, and for the quiz's and the red flags' answers (the same
    verb and type) by the red flags' `spotted` extension, as `free2link report --statements` tells them apart."""
    return [s for s in statements if xapi.event_of(s) == event]


def test_our_transformers_are_registered_with_the_router():
    from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry

    from free2link_xblocks.analytics.routing import Free2LinkTransformer

    for name in xapi.EVENTS:
        assert isinstance(XApiTransformersRegistry.get_transformer({"name": name}), Free2LinkTransformer)


def test_one_valid_statement_per_learner_action(played):
    from tincan import Statement

    statements = played["statements"]
    choices = of_verb_and_type(statements, xapi.CHOICE_MADE)
    ends = of_verb_and_type(statements, xapi.SCENARIO_ENDED)
    answers = of_verb_and_type(statements, xapi.QUIZ_SUBMITTED)
    assert played["choices"] >= 1
    assert (len(choices), len(ends), len(answers)) == (played["choices"], 1, 1)
    assert len(statements) == played["choices"] + 2
    assert len({s["id"] for s in statements}) == len(statements)
    for made in statements:
        assert made["version"] == "1.0.3"
        parsed = Statement.from_json(json.dumps(made))  # raises on anything that is not an xAPI statement
        assert parsed.to_json("1.0.3")


def test_statements_name_the_anonymous_learner_the_block_and_the_run(played):
    from django.conf import settings
    from openedx.core.djangoapps.external_user_ids.models import ExternalId

    learner = played["learner"]
    anonymous = str(ExternalId.objects.get(user=learner, external_id_type__name="xapi").external_user_id)
    blocks = {str(played["scenario"].location): played["scenario"], str(played["quiz"].location): played["quiz"]}
    for made in played["statements"]:
        text = json.dumps(made)
        assert learner.username not in text and learner.email not in text and "Xapi Learner" not in text
        assert made["actor"]["account"] == {"homePage": settings.LMS_ROOT_URL, "name": anonymous}
        usage_key = made["object"]["id"].split("/xblock/", 1)[1]
        assert made["object"]["id"] == f"{settings.LMS_ROOT_URL}/xblock/{usage_key}"
        assert made["object"]["definition"]["name"] == {"en-US": blocks[usage_key].display_name}
        parents = made["context"]["contextActivities"]["parent"]
        assert [p["id"] for p in parents] == [f"{settings.LMS_ROOT_URL}/course/{played['course'].id}"]
    scenario = [s for s in played["statements"] if str(played["scenario"].location) in s["object"]["id"]]
    assert len({s["context"]["registration"] for s in scenario}) == 1  # one attempt, one registration


def test_results_carry_the_decisions_the_end_and_the_answer(played):
    from free2link_xblocks.core.scenario import max_score

    scenario = played["scenario"]
    choices = of_verb_and_type(played["statements"], xapi.CHOICE_MADE)
    steps = [c["result"]["extensions"][xapi.STEP] for c in choices]
    assert steps[0] == scenario.scenario.start
    for made in choices:
        facts = made["result"]["extensions"]
        step = scenario.scenario.node(facts[xapi.STEP])
        choice = step.choice(facts[xapi.CHOICE])
        assert (facts[xapi.QUALITY], facts[xapi.POINTS]) == (choice.quality or "", choice.points)
        assert made["result"]["response"] == choice.id and facts[xapi.ATTEMPT] == 1
    (end,) = of_verb_and_type(played["statements"], xapi.SCENARIO_ENDED)
    learner_state = platform_env_state(played["learner"], scenario.location)
    reached = scenario.scenario.node(learner_state["node_id"])
    assert end["result"]["extensions"][xapi.END] == reached.id
    assert end["result"]["extensions"][xapi.OUTCOME] == (reached.outcome or "")
    assert end["result"]["score"]["raw"] == learner_state["last_points"]
    assert end["result"]["score"]["max"] == max_score(scenario.scenario)
    assert end["result"]["completion"] is True
    # the attempt's score is its choices' points plus the end's, as the statements tell them
    assert sum(c["result"]["extensions"][xapi.POINTS] for c in choices) + reached.points == \
        end["result"]["score"]["raw"]
    (answer,) = of_verb_and_type(played["statements"], xapi.QUIZ_SUBMITTED)
    facts = answer["result"]["extensions"]
    quiz_state = platform_env_state(played["learner"], played["quiz"].location)
    assert facts[xapi.SELECTED] == quiz_state["selected"] and len(facts[xapi.SELECTED]) == 1
    present = {i.id for i in played["quiz"].quiz.indicators if i.present}
    assert set(facts[xapi.MISSED]) == present - set(facts[xapi.SELECTED])
    assert set(facts[xapi.FALSE_ALARMS]) == set(facts[xapi.SELECTED]) - present
    assert answer["result"]["score"]["raw"] == quiz_state["last_earned"]


def platform_env_state(user, location) -> dict:
    from lms.djangoapps.courseware.models import StudentModule

    return json.loads(StudentModule.objects.get(student=user, module_state_key=location).state)


def test_the_lrs_stored_every_statement_and_returns_it(played, lrs):
    sent = {s["id"]: s for s in played["statements"]}
    actor = played["statements"][0]["actor"]
    by_learner = {found["id"]: found for found in lrs_get(lrs, agent=json.dumps(actor)) if is_ours(found)}
    everything = {found["id"] for found in lrs_get(lrs)}
    assert set(by_learner) == set(sent)  # the learner's statements of our verbs: one per action, no repeat
    assert everything >= set(sent)
    for statement_id, made in sent.items():
        back = by_learner[statement_id]
        assert back["verb"]["id"] == made["verb"]["id"] and back["actor"]["account"] == made["actor"]["account"]
        assert back["result"] == made["result"] and back["object"]["id"] == made["object"]["id"]
        assert back["context"]["registration"] == made["context"]["registration"]
        assert "stored" in back  # stored by the LRS, not echoed


def test_free2link_report_reads_the_statements_exported_from_the_lrs(played, lrs, tmp_path):
    from free2link_xblocks.core.report import build_report
    from free2link_xblocks.core.report.xapi_reader import statements_to_responses

    export = os.path.join(os.environ.get("F2L_PLATFORM_RUN", str(tmp_path)), "xapi-statements.jsonl")
    with open(export, "w", encoding="utf-8") as handle:  # kept in the run folder: real statements, one a line
        handle.writelines(json.dumps(found) + "\n" for found in lrs_get(lrs))
    assert statements_to_responses(export, tmp_path / "responses.csv") == []
    data = build_report([("responses", tmp_path / "responses.csv")])
    try:
        choices = of_verb_and_type(played["statements"], xapi.CHOICE_MADE)
        taken = {f"{c['result']['extensions'][xapi.STEP]}:{c['result']['extensions'][xapi.CHOICE]}" for c in choices
                 if c["result"]["extensions"][xapi.QUALITY] == "harmful"}
        (answer,) = of_verb_and_type(played["statements"], xapi.QUIZ_SUBMITTED)
        missed = set(answer["result"]["extensions"][xapi.MISSED])
        assert taken and missed  # harmful choices where there were some, one tick: the walk has both to rank
        assert {(r.block, r.label, r.count, r.total) for r in data.harmful} == \
            {(played["scenario"].display_name, key, 1, 1) for key in taken}
        assert {(r.block, r.label, r.count, r.total) for r in data.missed} == \
            {(played["quiz"].display_name, key, 1, 1) for key in missed}
    finally:
        data.close()


# ---------------------------------------------------------------------------------- red flags (issue 18)

@pytest.fixture(scope="module")
def flagged(played, lrs):
    """Another enrolled learner answers the final assessment's graded red flags in the en run, as in test_lms:
    every clause of the first two flags and one clause that is no flag (2 spotted - 1 false alarm = 1 point),
    with the router (configured by ``played``) sending our statements to the LRS."""
    course = played["course"]
    block = final_blocks(course)["f2l_red_flags"]
    learner = platform_env.make_user("xapi_flagger", lang="en", enroll=[course.id])
    client = platform_env.client_for(learner)
    with recording_statements() as recorder:
        page = client.get(unit_url(block.get_parent().location)).content.decode()
        shown = red_flags_units(block_html(page, block.location))
        model = block.model
        flagged_units = {i for flag in model.flags for i in flag.units}
        selected = [*model.flags[0].units, *model.flags[1].units, next(i for i in shown if i not in flagged_units)]
        status, answer = select_red_flags(client, block, page, selected)
        assert status == 200, answer
    ours = recorder.about(block.location)
    return {"learner": learner, "course": course, "block": block, "selected": selected, "statements": ours}


def test_one_valid_red_flags_statement_per_submit_with_the_learner_s_answer(flagged):
    from django.conf import settings
    from openedx.core.djangoapps.external_user_ids.models import ExternalId
    from tincan import Statement

    block, learner = flagged["block"], flagged["learner"]
    (answer,) = flagged["statements"]  # one submit, one statement
    assert of_verb_and_type(flagged["statements"], xapi.RED_FLAGS_SUBMITTED) == [answer]
    assert answer["version"] == "1.0.3" and Statement.from_json(json.dumps(answer)).to_json("1.0.3")
    assert answer["verb"]["id"] == xapi.ANSWERED[0]
    text = json.dumps(answer)
    assert learner.username not in text and learner.email not in text
    anonymous = str(ExternalId.objects.get(user=learner, external_id_type__name="xapi").external_user_id)
    assert answer["actor"]["account"] == {"homePage": settings.LMS_ROOT_URL, "name": anonymous}
    assert answer["object"]["id"] == f"{settings.LMS_ROOT_URL}/xblock/{block.location}"
    definition = answer["object"]["definition"]
    assert (definition["type"], definition["interactionType"]) == (xapi.QUESTION, "choice")
    assert definition["name"] == {"en-US": block.display_name}
    parents = answer["context"]["contextActivities"]["parent"]
    assert [p["id"] for p in parents] == [f"{settings.LMS_ROOT_URL}/course/{flagged['course'].id}"]
    model, result = block.model, answer["result"]
    facts = result["extensions"]
    assert facts[xapi.SPOTTED] == [model.flags[0].id, model.flags[1].id]
    assert facts[xapi.MISSED] == [flag.id for flag in model.flags[2:]]
    assert facts[xapi.FALSE_ALARM_COUNT] == 1 and facts[xapi.ATTEMPT] == 1
    assert result["response"] == "[,]".join(str(unit) for unit in sorted(flagged["selected"]))
    assert result["score"] == {"raw": 1, "min": 0, "max": len(model.flags), "scaled": round(1 / len(model.flags), 4)}
    assert result["success"] is False and result["completion"] is True
    state = platform_env_state(learner, block.location)
    assert state["attempts"] == 1 and sorted(state["selected"]) == sorted(flagged["selected"])


def test_the_lrs_stored_the_red_flags_statement_and_the_report_reads_it(flagged, lrs, tmp_path):
    from free2link_xblocks.core.report import build_report
    from free2link_xblocks.core.report.xapi_reader import statements_to_responses

    (sent,) = flagged["statements"]
    found = [s for s in lrs_get(lrs, agent=json.dumps(sent["actor"])) if is_ours(s)]
    assert [s["id"] for s in found] == [sent["id"]] and "stored" in found[0]
    assert found[0]["result"] == sent["result"] and found[0]["object"]["id"] == sent["object"]["id"]
    export = tmp_path / "xapi-statements.jsonl"
    export.write_text("".join(json.dumps(s) + "\n" for s in lrs_get(lrs)), encoding="utf-8")
    assert statements_to_responses(export, tmp_path / "responses.csv") == []
    data = build_report([("responses", tmp_path / "responses.csv")])
    try:
        block = flagged["block"]
        (row,) = [r for r in data.red_flags if r.title == block.display_name]
        assert (row.answered, row.spotted, row.missed, row.false_alarms) == (1, 2, len(block.model.flags) - 2, 1)
        assert {(r.block, r.label, r.count, r.total) for r in data.missed_flags} == \
            {(block.display_name, flag.id, 1, 1) for flag in block.model.flags[2:]}
    finally:
        data.close()
