"""Our blocks in the real LMS (openedx-platform, Teak line): the four imported course runs, every unit with a
Free2Link block rendered for an enrolled learner in the course's language, every resource the pages ask for
published by collectstatic, grades and completion through the LMS handler URLs, Studio handlers refused to
learners, and the platform's own instructor reports read by `free2link report`."""

import csv
import gettext
import importlib.resources
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import platform_env
import pytest
from django.apps import apps
from django.contrib.staticfiles.utils import get_files
from learner import answer_quiz, block_html, play_scenario_to_an_end, post, red_flags_units, select_red_flags, unit_url
from platform_env import LANGUAGES, OUR_TYPES, RESOURCE_URL

# A string each block shows on its first screen, to tell the interface language.
FIRST_SCREEN_TEXT = {"f2l_scenario": "What do you do?", "f2l_indicator_quiz": "Submit my answer",
                     "f2l_red_flags": "Submit my answer"}


def interface(lang):
    folder = str(importlib.resources.files("free2link_xblocks") / "translations")
    return gettext.translation("text", folder, [lang], fallback=lang == "en")


def units_with_our_blocks(course_key):
    units = {}
    for block in platform_env.our_blocks(course_key):
        units.setdefault(block.get_parent().location, []).append(block)
    return units


@pytest.fixture(scope="module")
def rendered(runs):
    """Every unit holding one of our blocks, in every run, as a learner of that language sees it."""
    pages = {}
    for lang, course in runs.items():
        reader = platform_env.make_user(f"reader_{lang}", lang=lang, enroll=[course.id])
        client = platform_env.client_for(reader)
        for unit, blocks in units_with_our_blocks(course.id).items():
            response = client.get(unit_url(unit))
            pages[(lang, unit)] = (response.status_code, response.content.decode("utf-8"), blocks)
    return pages


def test_four_language_runs_import_side_by_side(runs):
    assert sorted(runs) == sorted(LANGUAGES)
    structures = {}
    for lang, course in runs.items():
        assert str(course.id) == f"course-v1:Free2Link+ETRAF101+2026_{lang}"
        assert course.language == lang
        structures[lang] = [(b.category, b.location.block_id) for b in platform_env.our_blocks(course.id)]
    assert len(structures["en"]) >= 15
    assert all(structure == structures["en"] for structure in structures.values())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_unit_renders_with_its_blocks_in_the_course_language(rendered, lang):
    t = interface(lang)
    pages = {unit: page for (page_lang, unit), page in rendered.items() if page_lang == lang}
    assert len(pages) >= 10
    for unit, (status, page, blocks) in pages.items():
        assert status == 200, f"{unit}: {status}"
        for block in blocks:
            assert f'data-block-type="{block.category}"' in page, f"{block.location} missing from {unit}"
            part = block_html(page, block.location)
            assert 'class="f2l' in part, f"{block.location}: not our markup"
            expected = t.gettext(FIRST_SCREEN_TEXT[block.category])
            assert expected in part, f"{block.location}: {expected!r} not on the page ({lang})"
            if lang != "en":
                assert expected != FIRST_SCREEN_TEXT[block.category]


def collectstatic_publishes():
    """What `collectstatic` would publish through the platform's XBlockPipelineFinder: each package storage's
    prefix + the files Django's own get_files walks (with collectstatic's ignore patterns)."""
    from openedx.core.lib.xblock_pipeline.finder import XBlockPipelineFinder

    ignore = apps.get_app_config("staticfiles").ignore_patterns
    published = {}
    for storage in XBlockPipelineFinder().package_storages:
        if storage.exists(""):
            for path in get_files(storage, ignore):
                published[f"{storage.prefix}/{path}"] = storage.path(path)
    return published


def test_every_learner_resource_is_published_by_collectstatic(rendered):
    urls = {url for _, page, _ in rendered.values() for url in RESOURCE_URL.findall(page)}
    ours = {url for url in urls if url.startswith("xblock/resources/free2link_xblocks")}
    assert len(ours) >= 6, sorted(urls)  # common, scenario and quiz CSS and JS
    published = collectstatic_publishes()
    missing = sorted(url for url in ours if url not in published)
    assert not missing, f"the LMS asks for files collectstatic does not publish: {missing}"
    for url in ours:
        assert Path(published[url]).stat().st_size > 0
        # Older platforms resolved a block's files relative to xblock_resource_pkg itself: same files.
        package, path = url[len("xblock/resources/"):].split("/", 1)
        assert (importlib.resources.files(package) / path).is_file(), f"old finder: {url}"


# ---------------------------------------------------------------------------------- grades and completion

def completion(user, location):
    from completion.models import BlockCompletion

    row = BlockCompletion.objects.filter(user=user, context_key=location.course_key, block_key=location).first()
    return row.completion if row else None


def student_module(user, location):
    from lms.djangoapps.courseware.models import StudentModule

    return StudentModule.objects.get(student=user, module_state_key=location)


def final_assessment(course):
    from xmodule.modulestore.django import modulestore

    sequential = modulestore().get_item(course.id.make_usage_key("sequential", "m7_assessment"))
    blocks = [b for unit in sequential.get_children() for b in unit.get_children() if b.category in OUR_TYPES]
    return sequential, {b.category: b for b in blocks}


def grader_weight(course, assignment_type):
    return next(g["weight"] for g in course.grading_policy["GRADER"] if g["type"] == assignment_type)


@pytest.fixture(scope="module")
def players(runs):
    """In every run, learners who played the final assessment: one played the scenario to an end and answered
    the quiz (the first option of every step, two ticks), one answered only the quiz (one tick)."""
    played = {}
    for lang, course in runs.items():
        sequential, blocks = final_assessment(course)
        full = platform_env.make_user(f"player_{lang}", lang=lang, enroll=[course.id])
        quiz_only = platform_env.make_user(f"quizonly_{lang}", lang=lang, enroll=[course.id])
        played[lang] = {"course": course, "sequential": sequential, "blocks": blocks, "full": full,
                        "quiz_only": quiz_only, "views": {}}
        client = platform_env.client_for(full)
        scenario, quiz = blocks["f2l_scenario"], blocks["f2l_indicator_quiz"]
        page = client.get(unit_url(scenario.get_parent().location)).content.decode()
        played[lang]["views"]["scenario_after_view"] = completion(full, scenario.location)
        played[lang]["choices"] = play_scenario_to_an_end(client, scenario, page)
        answer_quiz(client, quiz, client.get(unit_url(quiz.get_parent().location)).content.decode(), ticks=2)
        other = platform_env.client_for(quiz_only)
        answer_quiz(other, quiz, other.get(unit_url(quiz.get_parent().location)).content.decode(), ticks=1)
    return played


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scenario_and_quiz_grade_and_complete_through_the_lms(players, lang):
    from lms.djangoapps.grades.api import CourseGradeFactory
    from lms.djangoapps.grades.models import PersistentSubsectionGrade

    from free2link_xblocks.core.scenario import max_score

    run = players[lang]
    user, course = run["full"], run["course"]
    scenario, quiz = run["blocks"]["f2l_scenario"], run["blocks"]["f2l_indicator_quiz"]
    # completion: the scenario is complete at an end, never on view; the quiz once answered
    assert run["views"]["scenario_after_view"] in (None, 0.0)
    assert completion(user, scenario.location) == 1.0
    assert completion(user, quiz.location) == 1.0
    assert completion(run["quiz_only"], scenario.location) in (None, 0.0)
    # StudentModule: the grade the block computed, kept with its state
    scenario_row, quiz_row = student_module(user, scenario.location), student_module(user, quiz.location)
    scenario_state = json.loads(scenario_row.state)
    assert scenario_row.max_grade == max_score(scenario.scenario) > 0
    assert scenario_row.grade == scenario_state["best_points"] <= scenario_row.max_grade
    assert scenario_state["attempts"] == 1
    quiz_state = json.loads(quiz_row.state)
    assert quiz_state["attempts"] == 1 and len(quiz_state["selected"]) == 2
    assert 0 <= quiz_row.grade <= quiz_row.max_grade
    # the subsection grade the LMS persisted, and the course grade
    earned = sum(row.grade / row.max_grade * block.weight
                 for row, block in ((scenario_row, scenario), (quiz_row, quiz)))
    subsection = PersistentSubsectionGrade.objects.get(user_id=user.id, usage_key=run["sequential"].location)
    assert subsection.earned_graded == pytest.approx(earned)
    assert subsection.possible_graded >= scenario.weight + quiz.weight
    course_grade = CourseGradeFactory().read(user, course)
    expected = grader_weight(course, run["sequential"].format) * earned / subsection.possible_graded
    assert course_grade.percent == pytest.approx(expected, abs=0.01)
    assert course_grade.percent > 0


@pytest.mark.parametrize("handler", ["studio_submit", "studio_validate", "studio_preview"])
def test_a_learner_cannot_call_studio_handlers_in_the_lms(runs, handler):
    from xmodule.modulestore.django import modulestore

    course = runs["en"]
    learner = platform_env.make_user(f"intruder_{handler}", enroll=[course.id])
    client = platform_env.client_for(learner)
    for block in platform_env.our_blocks(course.id)[:2] + platform_env.our_blocks(course.id)[-2:]:
        before = getattr(block, block.content_field)
        payload = platform_env.editor_payload(block, display_name="Hacked", max_attempts=99)
        status, answer = post(client, block.location, handler, payload)
        assert status == 403, (block.location, status, answer)
        after = modulestore().get_item(block.location)
        assert getattr(after, block.content_field) == before and after.display_name != "Hacked"


# ---------------------------------------------------------------------------------- red flags (issue 18)

def red_flags_block(course, block_id):
    from xmodule.modulestore.django import modulestore

    return modulestore().get_item(course.id.make_usage_key("f2l_red_flags", block_id))


@pytest.fixture(scope="module")
def flaggers(runs):
    """In every run, a learner who answered the graded red flags of the final assessment: every clause of the
    first two flags, and one clause that is no flag (a false alarm): 2 spotted - 1 = 1 point."""
    answered = {}
    for lang, course in runs.items():
        sequential, blocks = final_assessment(course)
        block = blocks["f2l_red_flags"]
        user = platform_env.make_user(f"flagger_{lang}", lang=lang, enroll=[course.id])
        client = platform_env.client_for(user)
        unit = block.get_parent().location
        page = client.get(unit_url(unit)).content.decode()
        shown = red_flags_units(block_html(page, block.location))
        model = block.model
        flagged = {i for flag in model.flags for i in flag.units}
        selected = [*model.flags[0].units, *model.flags[1].units, next(i for i in shown if i not in flagged)]
        completion_before = completion(user, block.location)
        status, answer = select_red_flags(client, block, page, selected)
        answered[lang] = {"course": course, "sequential": sequential, "block": block, "user": user, "shown": shown,
                          "selected": selected, "status": status, "answer": answer,
                          "completion_before": completion_before}
    return answered


@pytest.mark.parametrize("lang", LANGUAGES)
def test_red_flags_submit_through_the_lms_sets_state_grade_and_completion(flaggers, lang):
    from lms.djangoapps.grades.api import CourseGradeFactory
    from lms.djangoapps.grades.models import PersistentSubsectionGrade

    run = flaggers[lang]
    user, block, course = run["user"], run["block"], run["course"]
    assert run["shown"] == list(range(len(block.model.units)))  # every clause selectable, numbered in order
    assert run["status"] == 200, run["answer"]
    assert "f2l-unit--spotted" in run["answer"]["html"] and "f2l-unit--missed" in run["answer"]["html"]
    # completion: none on view, complete once answered
    assert run["completion_before"] in (None, 0.0)
    assert completion(user, block.location) == 1.0
    # StudentModule: the score the block computed (spotted - false alarms), kept with the selection
    row = student_module(user, block.location)
    state = json.loads(row.state)
    assert (row.grade, row.max_grade) == (1, len(block.model.flags)) and len(block.model.flags) >= 4
    assert state["attempts"] == 1 and sorted(state["selected"]) == sorted(run["selected"])
    # the graded subsection (the final assessment) and the course grade include it
    subsection = PersistentSubsectionGrade.objects.get(user_id=user.id, usage_key=run["sequential"].location)
    earned = block.weight * row.grade / row.max_grade
    assert subsection.earned_graded == pytest.approx(earned)
    course_grade = CourseGradeFactory().read(user, course)
    expected = grader_weight(course, run["sequential"].format) * earned / subsection.possible_graded
    assert course_grade.percent == pytest.approx(expected, abs=0.01) and course_grade.percent > 0


def test_a_red_flags_answer_that_is_not_a_selection_is_refused_and_changes_nothing(flaggers):
    run = flaggers["en"]
    client = platform_env.client_for(run["user"])
    before = student_module(run["user"], run["block"].location).state
    valid = {"version": run["block"].version, "seq": run["answer"]["seq"]}
    for payload in ({**valid, "selected": "everything"}, {**valid, "selected": [10_000]}, {**valid, "selected": []},
                    {"selected": run["selected"]}, b"\xff not json"):
        status, _answer = post(client, run["block"].location, "submit", payload)
        assert status == 400, payload
    assert student_module(run["user"], run["block"].location).state == before


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_practice_red_flags_exercise_completes_without_counting_towards_the_grade(runs, lang):
    from lms.djangoapps.grades.api import CourseGradeFactory

    course = runs[lang]
    block = red_flags_block(course, "m2_hotel_job_flags")
    user = platform_env.make_user(f"practice_flagger_{lang}", lang=lang, enroll=[course.id])
    client = platform_env.client_for(user)
    page = client.get(unit_url(block.get_parent().location)).content.decode()
    everything = red_flags_units(block_html(page, block.location))
    status, answer = select_red_flags(client, block, page, everything)
    assert status == 200, answer
    assert completion(user, block.location) == 1.0
    row = student_module(user, block.location)
    assert row.grade == 0 and row.max_grade == len(block.model.flags)  # selecting everything earns nothing
    assert CourseGradeFactory().read(user, course).percent == 0


def test_a_learner_cannot_call_the_red_flags_studio_handlers(runs):
    from xmodule.modulestore.django import modulestore

    course = runs["en"]
    learner = platform_env.make_user("rf_intruder", enroll=[course.id])
    client = platform_env.client_for(learner)
    for block in [b for b in platform_env.our_blocks(course.id) if b.category == "f2l_red_flags"]:
        before = block.red_flags_xml
        payload = platform_env.editor_payload(block, display_name="Hacked", max_attempts=99)
        for handler in ("studio_submit", "studio_validate", "studio_preview"):
            status, answer = post(client, block.location, handler, payload)
            assert status == 403, (block.location, handler, status, answer)
        after = modulestore().get_item(block.location)
        assert after.red_flags_xml == before and after.display_name != "Hacked"


# ---------------------------------------------------------------------------------- instructor reports

REPORTS = {"grades": "calculate_grades_csv", "problem-grades": "problem_grade_report",
           "responses": "get_problem_responses"}


def generate_reports(client, course, folder: Path) -> dict:
    """The Instructor Dashboard's Grade, Problem Grade and Problem Responses reports, generated by the
    platform's instructor-task code (run in-process: CELERY_ALWAYS_EAGER) and fetched from its report store."""
    from lms.djangoapps.instructor_task.models import ReportStore

    store = ReportStore.from_config(config_name="GRADES_DOWNLOAD")
    files = {}
    for kind, endpoint in REPORTS.items():
        known = {name for name, _ in store.links_for(course.id)}
        data = {"problem_location": str(course.location)} if kind == "responses" else {}
        response = client.post(f"/courses/{course.id}/instructor/api/{endpoint}", data)
        assert response.status_code == 200, (endpoint, response.status_code, response.content[:300])
        new = [name for name, _ in store.links_for(course.id) if name not in known]
        assert len(new) == 1, (endpoint, new)
        with store.storage.open(store.path_to(course.id, new[0])) as source:
            (folder / new[0]).write_bytes(source.read())
        files[kind] = folder / new[0]
    return files


def test_platform_instructor_reports_feed_free2link_report(players, flaggers, runs, tmp_path):
    staff = platform_env.make_user("trainer", staff=True)
    client = platform_env.client_for(staff)
    exports = {lang: generate_reports(client, runs[lang], tmp_path) for lang in LANGUAGES}
    keep = os.environ.get("F2L_PLATFORM_EXPORTS")
    if keep:
        for files in exports.values():
            for path in files.values():
                shutil.copy(path, keep)
    # the grade reports list every enrolled learner who played, with the LMS's own grade
    for lang, files in exports.items():
        with open(files["grades"], newline="", encoding="utf-8") as handle:
            rows = {row["Username"]: row for row in csv.DictReader(handle)}
        for who in ("full", "quiz_only"):
            user = players[lang][who]
            from lms.djangoapps.grades.api import CourseGradeFactory

            grade = CourseGradeFactory().read(user, runs[lang])
            assert float(rows[user.username]["Grade"]) == pytest.approx(grade.percent, abs=0.005)
        with open(files["responses"], newline="", encoding="utf-8") as handle:
            responses = list(csv.DictReader(handle))
        # the platform writes this report's own columns in lower case: username, title, location, block_key, state
        ours = [row for row in responses if "+type@f2l_" in row["block_key"]]
        assert {row["username"] for row in ours} >= {players[lang][who].username for who in ("full", "quiz_only")}
        assert {"Best score", "Max score", "Ticked ids", "Harmful choice ids"} <= set(responses[0])
    out = tmp_path / "report"
    command = [sys.executable, "-m", "free2link_xblocks.cli", "report", "--out", str(out)]
    for files in exports.values():
        command += ["--grades", str(files["grades"]), "--problem-grades", str(files["problem-grades"]),
                    "--responses", str(files["responses"])]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "LANGUAGE": "en"})
    assert result.returncode == 0, result.stderr
    assert (out / "report.html").stat().st_size > 0
    with open(out / "learners.csv", newline="", encoding="utf-8-sig") as handle:
        learners = list(csv.reader(handle))[1:]
    played = 2 * len(LANGUAGES)
    assert len(learners) >= played, learners
    assert "player_en" not in (out / "report.html").read_text(encoding="utf-8")  # pseudonymised
    # the red flags of the final assessment: one learner a run, each 2 flags spotted and 1 false alarm
    with open(out / "red_flags.csv", newline="", encoding="utf-8-sig") as handle:
        exercises = {row["Exercise"]: row for row in csv.DictReader(handle)}
    final = exercises[flaggers["en"]["block"].display_name]
    assert (final["Learners who answered"], final["Red flags spotted (average)"],
            final["False alarms (average)"]) == (str(len(LANGUAGES)), "2.0", "1.0")
    assert float(final["Red flags missed (average)"]) == len(flaggers["en"]["block"].model.flags) - 2
    with open(out / "missed_red_flags.csv", newline="", encoding="utf-8-sig") as handle:
        missed = {row["Red flag"]: row for row in csv.DictReader(handle)}
    third = flaggers["en"]["block"].model.flags[2]
    assert missed[third.text]["Missed by"] == str(len(LANGUAGES))  # named in English, counted across the runs


# ---------------------------------------------------------------------------------- Open edX conventions

@pytest.mark.parametrize("lang", ["el", "pl"])
def test_the_block_root_carries_the_course_language(rendered, lang):
    """Screen readers read a Greek course with a Greek voice, whatever the interface language."""
    for (page_lang, _unit), (_status, page, blocks) in rendered.items():
        if page_lang == lang:
            for block in blocks:
                root = re.search(r'<div class="f2l[ "][^>]*>', block_html(page, block.location)).group(0)
                assert f'lang="{lang}"' in root, (block.location, root)


def test_mobile_clients_get_student_view_data_without_the_answer_key(runs, players):
    """The course blocks API (what the Open edX mobile app reads) with our blocks' student_view_data."""
    course = runs["en"]
    user = players["en"]["quiz_only"]
    client = platform_env.client_for(user)
    response = client.get("/api/courses/v1/blocks/", {
        "course_id": str(course.id), "username": user.username, "depth": "all",
        "requested_fields": "student_view_data,student_view_multi_device",
        "student_view_data": ",".join(OUR_TYPES)})
    assert response.status_code == 200, response.content[:300]
    blocks = [b for b in response.json()["blocks"].values() if b["type"] in OUR_TYPES]
    assert len(blocks) >= 15
    for block in blocks:
        assert block["student_view_multi_device"] is True, block["id"]
        data = block["student_view_data"]
        text = json.dumps(data)
        if block["type"] == "f2l_indicator_quiz":
            assert data["indicators"] and '"present"' not in text and "strength" not in text, block["id"]
        elif block["type"] == "f2l_red_flags":
            assert "<flag" not in text and "strength" not in text and '"owner"' not in text, block["id"]
        else:
            assert "points" not in text and '"quality"' not in text, block["id"]


def test_instructor_rescore_of_a_scenario_keeps_the_learners_grade(players, runs):
    """The Instructor Dashboard's Rescore (ScorableXBlockMixin): the kept finished walk is scored again."""
    run = players["en"]
    scenario = run["blocks"]["f2l_scenario"]
    before = student_module(run["full"], scenario.location).grade
    staff = platform_env.make_user("rescorer", staff=True)
    response = platform_env.client_for(staff).post(
        f"/courses/{runs['en'].id}/instructor/api/rescore_problem",
        {"problem_to_reset": str(scenario.location), "unique_student_identifier": run["full"].username})
    assert response.status_code == 200, response.content[:300]
    after = student_module(run["full"], scenario.location)
    assert after.grade == before and after.max_grade > 0


def test_handler_html_goes_through_the_lms_replace_urls_service(runs, players):
    """After a learner action the HTML is the handler's, not the page's: the LMS's own replace_urls service
    rewrites the /static/ links authors write, as in the first render."""
    from django.test import RequestFactory
    from lms.djangoapps.courseware.block_render import load_single_xblock

    run = players["en"]
    scenario = run["blocks"]["f2l_scenario"]
    request = RequestFactory().get("/")
    request.user = run["full"]
    block = load_single_xblock(request, run["full"].id, str(run["course"].id), str(scenario.location))
    html = block.handler_html('<p><img src="/static/course_image.png" alt=""></p>')
    assert "/static/course_image.png" not in html and "asset-v1:Free2Link+ETRAF101+2026_en" in html, html


def test_course_search_indexes_the_situation_not_the_feedback(runs):
    """Course search (the platform's courseware indexer calls index_dictionary on every block)."""
    from free2link_xblocks.core.markup import plain_text

    for block in platform_env.our_blocks(runs["el"].id):
        content = block.index_dictionary()["content"]
        text = json.dumps(content, ensure_ascii=False)
        assert content["display_name"] == block.display_name and len(text) > 100, block.location
        if block.category == "f2l_scenario":
            feedback = [c.feedback for s in block.scenario.steps for c in s.choices]
        elif block.category == "f2l_red_flags":
            feedback = [f.markup for f in block.model.feedback]
        else:
            feedback = [f for i in block.quiz.indicators for f in (i.feedback, i.feedback_selected, i.feedback_missed)]
        for item in filter(None, feedback):
            words = " ".join(plain_text(item).split())[:60]
            assert words and words not in " ".join(text.split()), (block.location, words)
