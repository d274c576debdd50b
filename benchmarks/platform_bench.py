"""Our blocks in the real LMS against the platform's own CAPA checkbox problem, in one process.

Run by ``scripts/platform-test --bench`` (the platform suite's install and the four imported course runs).
For the English run it times, for an enrolled learner through Django's test client (the whole LMS request
path: middleware, courseware access, the runtime, field data, the template):

- ``GET /xblock/<unit>``: the unit holding the indicator quiz *The farm job*, the graded scenario *The online
  modelling job*, and the unit holding the CAPA checkbox problem of Module 3;
- one handler round trip each, as a first answer (the learner's state is removed, untimed, before each):
  the quiz's ``submit``, the scenario's first ``choose``, CAPA's ``problem_check``.

Repetitions are interleaved (A, B, C, A, B, C, ...) so that drift affects every row alike; it prints medians,
the interquartile range and the ratio to CAPA.
"""

import html
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "platform"))

import platform_env  # noqa: E402

platform_env.start()

from learner import action_token, block_html, form_of, handler_url, unit_url  # noqa: E402

REPEAT = int(os.environ.get("F2L_BENCH_REPEAT", "60"))
CAPA_UNIT = "m3_sextortion"  # holds the checkbox problem m3_sextortion_first_steps


def timed(job):
    """Run a job's untimed preparation, then time the request itself (ms)."""
    prepare, request = job
    prepare()
    started = time.perf_counter()
    request()
    return (time.perf_counter() - started) * 1000


def fresh_state(user, location):
    """Every repetition answers as a first attempt: the learner's state is removed before it (untimed)."""
    from lms.djangoapps.courseware.models import StudentModule

    return lambda: StudentModule.objects.filter(student=user, module_state_key=location).delete()


def main():
    from xmodule.modulestore.django import modulestore

    course = platform_env.course_runs()["en"]
    store = modulestore()
    learner = platform_env.make_user("bench_learner", lang="en", enroll=[course.id])
    client = platform_env.client_for(learner)
    final = course.id.make_usage_key("sequential", "m7_assessment")
    blocks = {b.category: b for b in platform_env.our_blocks(course.id) if b.get_parent().get_parent().location == final}
    quiz, scenario = blocks["f2l_indicator_quiz"], blocks["f2l_scenario"]
    capa_unit = store.get_item(course.id.make_usage_key("vertical", CAPA_UNIT))
    capa = next(c for c in capa_unit.get_children() if c.category == "problem")
    units = {"quiz": quiz.get_parent().location, "scenario": scenario.get_parent().location,
             "capa": capa_unit.location}
    pages = {name: html.unescape(client.get(unit_url(location)).content.decode()) for name, location in units.items()}
    quiz_form, quiz_options = form_of(block_html(pages["quiz"], quiz.location))
    step_form, step_options = form_of(block_html(pages["scenario"], scenario.location))
    # a first answer echoes the action token of a fresh page (the state is removed before each repetition)
    quiz_form["seq"] = action_token(block_html(pages["quiz"], quiz.location))
    step_form["seq"] = action_token(block_html(pages["scenario"], scenario.location))
    capa_input = re.search(r'name="(input_\w+_2_1)\[\]"', pages["capa"]).group(1)
    capa_url = f"/courses/{course.id}/xblock/{capa.location}/handler/xmodule_handler/problem_check"

    def ok(response):
        assert response.status_code == 200, response.content[:300]
        return response

    def render(name):
        return (lambda: None, lambda: ok(client.get(unit_url(units[name]))))

    jobs = {
        "render unit: indicator quiz": render("quiz"),
        "render unit: scenario": render("scenario"),
        "render unit: CAPA checkbox": render("capa"),
        "handler: quiz submit": (fresh_state(learner, quiz.location), lambda: ok(client.post(
            handler_url(quiz.location, "submit"), json.dumps({**quiz_form, "selected": quiz_options[:2]}),
            content_type="application/json"))),
        "handler: scenario choose": (fresh_state(learner, scenario.location), lambda: ok(client.post(
            handler_url(scenario.location, "choose"), json.dumps({**step_form, "choice": step_options[0]}),
            content_type="application/json"))),
        "handler: CAPA problem_check": (fresh_state(learner, capa.location), lambda: ok(client.post(
            capa_url, {f"{capa_input}[]": ["choice_0", "choice_1"]}))),
    }
    for _ in range(5):  # warm-up: caches, templates, first queries
        for job in jobs.values():
            timed(job)
    samples = {name: [] for name in jobs}
    for _ in range(REPEAT):  # interleaved: drift affects every row alike
        for name, job in jobs.items():
            samples[name].append(timed(job))

    print(f"Real LMS (openedx-platform Teak line, {os.environ['DJANGO_SETTINGS_MODULE']}), Django test client, "
          f"median of {REPEAT} interleaved repetitions, ms (IQR = interquartile range)")
    print(f"{'':32} {'median':>8} {'IQR':>15} {'vs CAPA':>8}")
    reference = {"render": statistics.median(samples["render unit: CAPA checkbox"]),
                 "handler": statistics.median(samples["handler: CAPA problem_check"])}
    for name, values in samples.items():
        q1, _, q3 = statistics.quantiles(values, n=4)
        ratio = statistics.median(values) / reference["render" if name.startswith("render") else "handler"]
        print(f"{name:32} {statistics.median(values):8.1f} {q1:7.1f}–{q3:7.1f} {ratio:7.2f}×")


if __name__ == "__main__":
    try:
        main()
    finally:
        platform_env.stop()
