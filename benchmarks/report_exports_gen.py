"""Open edX-shaped Instructor Dashboard downloads of any size, written row by row (the generator's own memory
stays small): the grade report, the problem grade report and the problem responses report of the Free2Link
course (6 module checks of 3 problems, the final case assessment of 2, 8 scenarios and 7 quizzes), in the
column layout the LMS writes (``lms/djangoapps/instructor_task/tasks_helper/grades.py``)."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

RUN = ("Free2Link", "BENCH101", "2026_it")  # not the course whose structure ships: names as generated
CHECKS = ["Understanding e-trafficking", "How recruitment happens online", "Digital control",
          "Recognising indicators", "A first contact that does no harm", "Referral pathways"]
FINAL = "The online modelling job and the farm job"
PROBLEMS_PER_CHECK, FINAL_PROBLEMS = 3, 2
SCENARIO = ["Attempts", "Best score", "Max score", "Completed", "Last outcome", "Last outcome rating", "Last path",
            "Last path ids", "Harmful choices in last path", "Harmful choice ids", "Current step", "Current path"]
QUIZ = ["Last score", "Last answer correct", "Ticked indicators", "Missed indicators", "False alarms", "Ticked ids",
        "Missed ids", "False alarm ids"]
RESPONSE_HEADER = ["username", "title", "location"] + SCENARIO + QUIZ + ["block_key", "state"]
INDICATORS = [("pay", "Pay far above the going rate for the work"), ("debt", "Travel paid now, to be repaid later"),
              ("passport", "The employer keeps the passport"), ("calls", "Constant calls from the employer")]
HARMFUL = [("s1:c2", "Tell her it is obviously a trafficker and she must block them."),
           ("s3:c1", "Promise her she will not be deported.")]
# module (1-7) of each of our 15 blocks, as in the course: 8 scenarios, 7 quizzes
BLOCKS = [(2, "f2l_scenario"), (2, "f2l_indicator_quiz"), (2, "f2l_indicator_quiz"), (3, "f2l_indicator_quiz"),
          (3, "f2l_indicator_quiz"), (4, "f2l_scenario"), (4, "f2l_scenario"), (4, "f2l_indicator_quiz"),
          (5, "f2l_scenario"), (5, "f2l_scenario"), (5, "f2l_indicator_quiz"), (6, "f2l_scenario"),
          (6, "f2l_scenario"), (7, "f2l_scenario"), (7, "f2l_indicator_quiz")]
TAIL = ["Enrollment Track", "Verification Status", "Certificate Eligible", "Certificate Delivered", "Certificate Type",
        "Enrollment Status"]


def grade_columns() -> list[str]:
    return (["Student ID", "Email", "Username", "Grade"]
            + [f"Module check {n:02d}: {name}" for n, name in enumerate(CHECKS, start=1)]
            + ["Module check (Avg)", "Final case assessment"] + TAIL)


def problem_titles() -> list[str]:
    titles = [f"Module check {n:02d}: {name} - Question {q}" for n, name in enumerate(CHECKS, start=1)
              for q in range(1, PROBLEMS_PER_CHECK + 1)]
    return titles + [f"Final case assessment: {FINAL} - Case {q}" for q in range(1, FINAL_PROBLEMS + 1)]


def _learners(rows: int, seed: int):
    rng = random.Random(seed)
    for number in range(rows):
        yield number, f"learner{number:07d}", rng.random(), rng


def write_grade_report(path: Path, rows: int, seed: int = 5) -> None:
    """``rows`` learners, each reaching a random number of module checks in order."""
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(grade_columns())
        for number, username, engagement, rng in _learners(rows, seed):
            reached = int(engagement * 8)  # checks 0-7 (7: the final assessment too)
            scores = [round(rng.uniform(0.3, 1.0), 4) if n < reached else "Not Attempted" for n in range(7)]
            done = [s for s in scores if s != "Not Attempted"]
            grade = round(sum(done) / 7, 2)
            avg = round(sum(s for s in scores[:6] if s != "Not Attempted") / 6, 4)
            writer.writerow([number + 1, f"{username}@example.org", username, grade, *scores[:6], avg, scores[6],
                             "audit", "N/A", "Y" if grade >= 0.6 else "N", "N", "N/A",
                             "enrolled" if rng.random() > 0.03 else "unenrolled"])


def write_problem_grade_report(path: Path, rows: int, seed: int = 6) -> None:
    titles = problem_titles()
    header = ["Student ID", "Email", "Username", "Enrollment Status", "Grade"]
    for title in titles:
        header += [f"{title} (Earned)", f"{title} (Possible)"]
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for number, username, engagement, rng in _learners(rows, seed):
            reached = int(engagement * (len(titles) + 1))
            cells, earned = [], 0.0
            for n in range(len(titles)):
                if n < reached:
                    points = float(rng.randint(0, 2))
                    earned += points
                    cells += [points, 2.0]
                else:
                    cells += ["Not Attempted", 2.0]
            writer.writerow([number + 1, f"{username}@example.org", username,
                             "enrolled" if rng.random() > 0.03 else "unenrolled",
                             round(earned / (2 * len(titles)), 2), *cells])


def _block_variants(module: int, kind: str, number: int) -> list[list[str]]:
    """A dozen rows one block may have (not started, under way, finished with various mistakes)."""
    block_id = f"m{module}{kind[4]}{number}"
    title = f"{'Scenario' if kind == 'f2l_scenario' else 'Quiz'} {number}"
    location = f"Early identification > Module {module} > Module check {module} > Unit {number} > {title}"
    key = f"block-v1:{RUN[0]}+{RUN[1]}+{RUN[2]}+type@{kind}+block@{block_id}"
    rows = []
    for variant in range(12):
        values = dict.fromkeys(RESPONSE_HEADER, "")
        values.update(title=title, location=location, block_key=key)
        if variant == 0:
            values["Attempts"] = 0
            values["state"] = "{}"
        elif kind == "f2l_scenario":
            harmful = [h for i, h in enumerate(HARMFUL) if variant >> i & 1] if variant > 2 else []
            finished = variant > 1
            values.update({"Attempts": 1 if finished else 0, "Max score": 6, "Completed": "yes" if finished else "no",
                           "Best score": 6 - 2 * len(harmful) if finished else "",
                           "Last outcome": "She keeps in touch" if finished else "",
                           "Last path": "The message: Ask her | The call: Listen" if finished else "",
                           "Last path ids": "s1:c1 s2:c1" if finished else "",
                           "Harmful choices in last path": " | ".join(label for _i, label in harmful),
                           "Harmful choice ids": " ".join(i for i, _label in harmful),
                           "Current path": "The message: Ask her" if variant == 1 else ""})
            values["state"] = json.dumps({"attempts": values["Attempts"], "path": [["s1", "c1"]] if variant == 1
                                          else [], "best_points": values["Best score"] or None})
        else:
            missed = [i for n, i in enumerate(INDICATORS) if variant >> n & 1] if variant > 1 else []
            values.update({"Attempts": 1 + variant % 2, "Max score": 4, "Best score": 4 - len(missed),
                           "Last score": 4 - len(missed), "Last answer correct": "no" if missed else "yes",
                           "Missed indicators": " | ".join(label for _i, label in missed),
                           "Missed ids": " ".join(i for i, _label in missed),
                           "Ticked ids": " ".join(i for i, _l in INDICATORS if (i, _l) not in missed)})
            values["state"] = json.dumps({"attempts": values["Attempts"], "best_earned": values["Best score"]})
        rows.append([str(v) for v in values.values()])
    return rows


def write_responses(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` rows: ``rows // 15`` learners × the 15 blocks, block by block as the LMS writes them."""
    learners = rows // len(BLOCKS)
    variants = [_block_variants(module, kind, n) for n, (module, kind) in enumerate(BLOCKS, start=1)]
    rng = random.Random(seed)
    engagement = [rng.random() for _ in range(learners)]
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(RESPONSE_HEADER)
        for block in variants:
            for number in range(learners):
                choice = block[rng.randrange(1, 12)] if rng.random() < engagement[number] + 0.3 else block[0]
                writer.writerow([f"learner{number:07d}", *choice[1:]])


WRITERS = {"grades": write_grade_report, "problem-grades": write_problem_grade_report, "responses": write_responses}


def file_name(kind: str, rows: int) -> str:
    """The LMS's own file names, so that the run is read from them."""
    stem = "_".join(RUN)
    names = {"grades": f"{stem}_grade_report_2026-04-01-1015.csv",
             "problem-grades": f"{stem}_problem_grade_report_2026-04-01-1016.csv",
             "responses": f"{stem}_student_state_from_block-v1_{rows}.csv"}
    return names[kind]
