"""Realistic Instructor Dashboard downloads for the report's tests and benchmark, from a known truth.

A cohort of learners in the four language runs is drawn at random (seeded); each learner's truth
(what they did in each block, their grade, their certificate verdict) is kept, and the files are
written from it with the exact column layouts of the LMS. Tests compute the expected figures from
the truth directly, never through the report's own code.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field

RUNS = {"it": "Free2Link_ETRAF101_IT_2026", "el": "Free2Link_ETRAF101_EL_2026", "pl": "Free2Link_ETRAF101_PL_2026",
        "en": "Free2Link_ETRAF101_EN_2026"}
COURSE_NAME = "Early identification of victims of online human trafficking"
ORGANISATIONS = {"it": ["ONG Strada", "Cooperativa Città Aperta"], "el": ["Praksis", "Hellenic Police"],
                 "pl": ["La Strada PL", "MOPS Krakow"], "en": ["Free2Link partners"]}
COUNTRIES = {"it": "Italy", "el": "Greece", "pl": "Poland", "en": "Italy"}

# Columns exactly as our blocks' generate_report_data name them (checked against the blocks in the tests).
SCENARIO_COLUMNS = ["Attempts", "Best score", "Max score", "Completed", "Last outcome", "Last outcome rating",
                    "Last path", "Last path ids", "Harmful choices in last path", "Harmful choice ids",
                    "Current step", "Current path"]
QUIZ_COLUMNS = ["Attempts", "Best score", "Max score", "Last score", "Last answer correct", "Ticked indicators",
                "Missed indicators", "False alarms", "Ticked ids", "Missed ids", "False alarm ids"]


@dataclass(frozen=True)
class Block:
    kind: str  # "f2l_scenario" or "f2l_indicator_quiz"
    block_id: str
    title: str
    max_score: int
    # scenario: harmful choices ("step:choice", label); quiz: present and absent indicators (id, label)
    harmful: tuple = ()
    present: tuple = ()
    absent: tuple = ()


@dataclass(frozen=True)
class Module:
    chapter: str
    subsection: str
    blocks: tuple


MODULES = (
    Module("Module 1: What trafficking looks like online", "Check 1: Recognise the signs", (
        Block("f2l_scenario", "amira", "A job offer on Instagram", 4,
              harmful=(("s1:c2", "Tell her it is obviously a trafficker and she must block them."),
                       ("s2:c3", "Call the police without asking her | or telling her."))),
        Block("f2l_indicator_quiz", "hostess", "The hostess advert", 4,
              present=(("pay", "Pay far above the going rate for the work"),
                       ("debt", "Travel paid now, to be repaid later"),
                       ("passport", "The employer keeps the passport")),
              absent=(("contract", "A written contract in her language"),)),
    )),
    Module("Module 2: Recruitment", "Check 2: Recruitment", (
        Block("f2l_indicator_quiz", "phone", "The phone keeps ringing", 3,
              present=(("calls", "Constant calls from the employer"), ("rent", "Rent deducted from pay")),
              absent=(("friends", "She meets friends freely"),)),
    )),
    Module("Module 3: First contact and referral", "Check 3: Referral", (
        Block("f2l_scenario", "referral", "Referring Daria", 3,
              harmful=(("r1:c1", "Promise her she will not be deported."),)),
    )),
)
BLOCKS = [block for module in MODULES for block in module.blocks]


@dataclass
class BlockTruth:
    attempts: int = 0
    in_progress: bool = False
    best: int | None = None
    harmful: list = field(default_factory=list)  # ids taken in the last finished path
    missed: list = field(default_factory=list)  # present indicator ids not ticked in the last answer
    false_alarms: list = field(default_factory=list)


@dataclass
class LearnerTruth:
    username: str
    email: str
    name: str
    language: str
    organisation: str
    country: str
    cohort: str
    blocks: dict = field(default_factory=dict)  # block id -> BlockTruth (absent: never opened)
    active: bool = True

    def done(self, block: Block) -> bool:
        truth = self.blocks.get(block.block_id)
        return truth is not None and truth.attempts > 0

    def touched(self, block: Block) -> bool:
        truth = self.blocks.get(block.block_id)
        return truth is not None and (truth.attempts > 0 or truth.in_progress)

    def subsection_score(self, module: Module) -> float | None:
        """The grade report's subsection value: None for Not Attempted (nothing submitted)."""
        done = [b for b in module.blocks if self.done(b)]
        if not done:
            return None
        return sum(self.blocks[b.block_id].best / b.max_score for b in done) / len(module.blocks)

    @property
    def grade(self) -> float:
        return round(sum(self.subsection_score(m) or 0 for m in MODULES) / len(MODULES), 4)


def make_cohort(size: int, seed: int = 7, languages=("it", "el", "pl", "en")) -> list[LearnerTruth]:
    rng = random.Random(seed)
    learners = []
    for number in range(size):
        language = languages[number % len(languages)]
        first, last = rng.choice(["Maria", "Eleni", "Zofia", "Anna", "Giulia", "Katarzyna"]), \
            rng.choice(["Rossi", "Papadopoulou", "Nowak", "Bianchi", "Kowalska", "Georgiou"])
        learner = LearnerTruth(f"{first.lower()}.{last.lower()}{number}", f"{first.lower()}.{last.lower()}{number}"
                               f"@example.org", f"{first} {last}", language, rng.choice(ORGANISATIONS[language]),
                               COUNTRIES[language], f"Cohort {1 + number % 3} – Città")
        engagement = rng.random()
        for block in BLOCKS:
            roll = rng.random()
            if roll > engagement + 0.15:
                continue  # never opened
            truth = BlockTruth()
            if roll > engagement:
                truth.in_progress = block.kind == "f2l_scenario"
            else:
                truth.attempts = rng.randint(1, 3)
                if block.kind == "f2l_scenario":
                    truth.harmful = [h for h, _label in block.harmful if rng.random() < 0.35]
                    truth.best = max(0, block.max_score - 2 * len(truth.harmful) - rng.randint(0, 1))
                else:
                    truth.missed = [i for i, _label in block.present if rng.random() < 0.4]
                    truth.false_alarms = [i for i, _label in block.absent if rng.random() < 0.3]
                    truth.best = block.max_score - len(truth.missed) - len(truth.false_alarms)
            learner.blocks[block.block_id] = truth
        learner.active = rng.random() > 0.05
        learners.append(learner)
    return learners


def eligible(learner: LearnerTruth, cutoff: float = 0.6) -> bool:
    return learner.grade >= cutoff


# ---------------------------------------------------------------------------------------------- writers


def _open(path, encoding, bom):
    stream = open(path, "w", encoding=encoding, newline="")
    if bom:
        stream.write("\ufeff")
    return stream


def grade_report_columns() -> list[str]:
    return (["Student ID", "Email", "Username", "Grade"]
            + [f"Module check {i:02d}: {m.subsection}" for i, m in enumerate(MODULES, start=1)]
            + ["Module check (Avg)", "Cohort Name", "Enrollment Track", "Verification Status", "Certificate Eligible",
               "Certificate Delivered", "Certificate Type", "Enrollment Status"])


def grade_row(learner: LearnerTruth, student_id: int) -> list:
    scores = [learner.subsection_score(m) for m in MODULES]
    shown = ["Not Attempted" if s is None else round(s, 4) for s in scores]
    return ([student_id, learner.email, learner.username, learner.grade] + shown
            + [round(sum(s or 0 for s in scores) / len(scores), 4), learner.cohort, "audit", "N/A",
               "Y" if eligible(learner) else "N", "N", "N/A", "enrolled" if learner.active else "unenrolled"])


def write_grade_report(path, learners, encoding="utf-8", delimiter=",", bom=False) -> None:
    with _open(path, encoding, bom) as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(grade_report_columns())
        for number, learner in enumerate(learners, start=1):
            writer.writerow(grade_row(learner, number))


def problem_title(index: int, module: Module, block: Block) -> str:
    return f"Module check {index:02d}: {module.subsection} - {block.title}"


def write_problem_grade_report(path, learners, encoding="utf-8", delimiter=",", bom=False) -> None:
    header = ["Student ID", "Email", "Username", "Enrollment Status", "Grade"]
    for index, module in enumerate(MODULES, start=1):
        for block in module.blocks:
            header += [f"{problem_title(index, module, block)} (Earned)", f"{problem_title(index, module, block)} "
                       f"(Possible)"]
    with _open(path, encoding, bom) as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(header)
        for number, learner in enumerate(learners, start=1):
            row = [number, learner.email, learner.username, "enrolled" if learner.active else "unenrolled",
                   learner.grade]
            for block in BLOCKS:
                if learner.done(block):
                    row += [float(learner.blocks[block.block_id].best), float(block.max_score)]
                else:
                    row += ["Not Attempted", float(block.max_score)]
            writer.writerow(row)


def block_key(run: str, block: Block) -> str:
    org, course, run_name = run.split("_", 2)
    return f"block-v1:{org}+{course}+{run_name}+type@{block.kind}+block@{block.block_id}"


def response_columns() -> list[str]:
    ours = list(dict.fromkeys(SCENARIO_COLUMNS + QUIZ_COLUMNS))  # the LMS's union, in first-seen order
    return ["username", "title", "location"] + ours + ["block_key", "state"]


def response_row(learner: LearnerTruth, module: Module, block: Block, run: str) -> list | None:
    truth = learner.blocks.get(block.block_id)
    if truth is None:
        return None
    location = " > ".join([COURSE_NAME, module.chapter, module.subsection, "Unit 1", block.title])
    values = dict.fromkeys(response_columns(), "")
    values.update(username=learner.username, title=block.title, location=location, block_key=block_key(run, block))
    values["Attempts"] = truth.attempts
    values["Best score"] = "" if truth.best is None else truth.best
    values["Max score"] = block.max_score
    if block.kind == "f2l_scenario":
        labels = dict(block.harmful)
        values["Completed"] = "yes" if truth.attempts else "no"
        values["Harmful choices in last path"] = " | ".join(labels[h] for h in truth.harmful)
        values["Harmful choice ids"] = " ".join(truth.harmful)
        values["Last path ids"] = " ".join(truth.harmful + ["s9:c1"]) if truth.attempts else ""
        values["Current path"] = "Step 1: Ask her how she feels" if truth.in_progress else ""
        state = {"attempts": truth.attempts, "best_points": truth.best, "path": [["s1", "c1"]] if truth.in_progress
                 else [], "last_path": [h.split(":") for h in truth.harmful]}
    else:
        labels = dict(block.present + block.absent)
        if truth.attempts:
            ticked = [i for i, _l in block.present if i not in truth.missed] + truth.false_alarms
            values.update({"Last score": truth.best, "Last answer correct": "no" if truth.best < block.max_score
                           else "yes", "Ticked indicators": " | ".join(labels[i] for i in ticked),
                           "Missed indicators": " | ".join(labels[i] for i in truth.missed),
                           "False alarms": " | ".join(labels[i] for i in truth.false_alarms),
                           "Ticked ids": " ".join(ticked), "Missed ids": " ".join(truth.missed),
                           "False alarm ids": " ".join(truth.false_alarms)})
        state = {"attempts": truth.attempts, "best_earned": truth.best, "answers": []}
    values["state"] = json.dumps(state)
    return list(values.values())


def response_rows(learners, run_of=lambda learner: RUNS[learner.language]):
    for module in MODULES:
        for block in module.blocks:
            for learner in learners:
                row = response_row(learner, module, block, run_of(learner))
                if row is not None:
                    yield row


def write_responses(path, learners, encoding="utf-8", delimiter=",", bom=False, extra_lines=()) -> None:
    with _open(path, encoding, bom) as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(response_columns())
        writer.writerows(response_rows(learners))
        for line in extra_lines:
            stream.write(line)


def write_roster(path, learners, columns=("Email", "Organisation", "Country", "Cohort", "Training date"),
                 encoding="utf-8", delimiter=",") -> None:
    with open(path, "w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(columns)
        for learner in learners:
            writer.writerow([learner.email, learner.organisation, learner.country, learner.cohort, "2026-03-02"])
