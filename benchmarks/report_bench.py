"""`free2link report` on a 1,000,000-row problem responses report, and the same aggregation in pandas.

Generates, in a temporary folder, a problem responses report of 10,000 learners × 100 of our blocks
(25 modules of 2 scenarios and 2 quizzes, four language runs), the four runs' grade reports and a
roster; then measures, each in its own process so that peak memory is its own:

* ``free2link report`` end to end (reading, aggregating, writing report.html and the CSV files);
* the aggregation alone (``build_report``), and its peak Python heap under tracemalloc;
* pandas doing the same aggregation of the responses report (started, modules completed, indicators
  missed and harmful choices per learner and block), whose figures must equal ours.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEARNERS, MODULES = 10_000, 25
RUNS = ["Free2Link_ETRAF101_IT_2026", "Free2Link_ETRAF101_EL_2026", "Free2Link_ETRAF101_PL_2026",
        "Free2Link_ETRAF101_EN_2026"]
SCENARIO = ["Attempts", "Best score", "Max score", "Completed", "Last outcome", "Last outcome rating", "Last path",
            "Last path ids", "Harmful choices in last path", "Harmful choice ids", "Current step", "Current path"]
QUIZ = ["Last score", "Last answer correct", "Ticked indicators", "Missed indicators", "False alarms", "Ticked ids",
        "Missed ids", "False alarm ids"]
HEADER = ["username", "title", "location"] + SCENARIO + QUIZ + ["block_key", "state"]
INDICATORS = [("pay", "Pay far above the going rate for the work"), ("debt", "Travel paid now, to be repaid later"),
              ("passport", "The employer keeps the passport"), ("calls", "Constant calls from the employer")]
HARMFUL = [("s1:c2", "Tell her it is obviously a trafficker and she must block them."),
           ("s3:c1", "Promise her she will not be deported.")]


def _variants(run: str, module: int, kind: str, number: int) -> list[list[str]]:
    """A dozen rows one block may have (not started, under way, finished with various mistakes)."""
    block_id = f"m{module}{kind[4]}{number}"
    title = f"{'Scenario' if kind == 'f2l_scenario' else 'Quiz'} {module}.{number}"
    location = f"Early identification > Module {module:02d} > Check {module} > Unit {number} > {title}"
    org, course, run_name = run.split("_", 2)
    key = f"block-v1:{org}+{course}+{run_name}+type@{kind}+block@{block_id}"
    rows = []
    for variant in range(12):
        values = dict.fromkeys(HEADER, "")
        values.update(title=title, location=location, block_key=key)
        if variant == 0:
            values["Attempts"] = 0
            values["state"] = "{}"
        elif kind == "f2l_scenario":
            harmful = [h for i, h in enumerate(HARMFUL) if variant >> i & 1] if variant > 2 else []
            values.update({"Attempts": 1 if variant > 1 else 0, "Max score": 6, "Completed": "yes" if variant > 1
                           else "no", "Best score": 6 - 2 * len(harmful) if variant > 1 else "",
                           "Last outcome": "She keeps in touch" if variant > 1 else "",
                           "Last path": "The message: Ask her | The call: Listen" if variant > 1 else "",
                           "Last path ids": "s1:c1 s2:c1" if variant > 1 else "",
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


def generate(folder: Path) -> dict:
    rng = random.Random(5)
    blocks = {run: [_variants(run, m, kind, n) for m in range(1, MODULES + 1)
                    for kind, n in (("f2l_scenario", 1), ("f2l_indicator_quiz", 1), ("f2l_scenario", 2),
                                    ("f2l_indicator_quiz", 2))] for run in RUNS}
    learners = [(f"learner{n:05d}", RUNS[n % len(RUNS)], rng.random()) for n in range(LEARNERS)]
    with open(folder / "responses.csv", "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for index in range(len(blocks[RUNS[0]])):  # the LMS writes block by block, in course order
            for username, run, engagement in learners:
                variants = blocks[run][index]
                choice = variants[rng.randrange(1, 12)] if rng.random() < engagement + 0.3 else variants[0]
                writer.writerow([username] + choice[1:])
    files = {"responses": folder / "responses.csv", "grades": []}
    for run in RUNS:
        path = folder / f"{run}_grade_report_2026-04-01-1015.csv"
        with open(path, "w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(["Student ID", "Email", "Username", "Grade"]
                            + [f"Module check {m:02d}: Check {m}" for m in range(1, MODULES + 1)]
                            + ["Module check (Avg)", "Enrollment Track", "Verification Status", "Certificate Eligible",
                               "Certificate Delivered", "Certificate Type", "Enrollment Status"])
            for number, (username, learner_run, engagement) in enumerate(learners):
                if learner_run == run:
                    grade = round(min(1.0, engagement + 0.2), 3)
                    writer.writerow([number, f"{username}@example.org", username, grade]
                                    + [grade if rng.random() < engagement + 0.3 else "Not Attempted"
                                       for _m in range(MODULES)]
                                    + [grade, "audit", "N/A", "Y" if grade >= 0.6 else "N", "N", "N/A", "enrolled"])
        files["grades"].append(path)
    return files


def measure(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints a JSON dict, to which its peak RSS is added."""
    wrapper = textwrap.dedent(code) + textwrap.dedent("""
        import resource as _resource
        RESULT["maxrss_mb"] = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(RESULT))
    """)
    completed = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, cwd=ROOT)
    if completed.returncode:
        raise SystemExit(completed.stderr)
    return json.loads(completed.stdout.strip().splitlines()[-1])


OURS = """
    import json, sys, time
    from free2link_xblocks.cli import main
    start = time.perf_counter()
    code = main(sys_args)
    RESULT = {"seconds": time.perf_counter() - start, "exit": code}
"""
AGGREGATION = """
    import json, time, tracemalloc
    from free2link_xblocks.core.report import build_report
    start = time.perf_counter()
    build_report(inputs)
    seconds = time.perf_counter() - start
    tracemalloc.start()  # the responses report alone, the same input as the pandas peer's
    data = build_report([("responses", inputs[0][1])])
    heap = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    RESULT = {"seconds": seconds, "heap_mb": heap, "started": sum(r.started for r in data.learners),
              "modules": [n for key, _m, n in data.funnel if key == "module"],
              "missed": sorted([r.block, r.label, r.count, r.total] for r in data.missed),
              "harmful": sorted([r.block, r.label, r.count, r.total] for r in data.harmful)}
"""
PANDAS = """
    import json, time
    import pandas as pd
    start = time.perf_counter()
    columns = ["username", "title", "location", "block_key", "Attempts", "Completed", "Current path", "Missed ids",
               "Missed indicators", "Harmful choice ids", "Harmful choices in last path"]
    df = pd.read_csv(path, usecols=columns, dtype=str, keep_default_na=False)
    parts = df["block_key"].str.extract(r"\\+type@(?P<type>[^+]+)\\+block@(?P<block>.+)$")
    df["type"], df["block"] = parts["type"], parts["block"]
    df["run"] = df["block_key"].str.extract(r"^block-v1:([^+]+\\+[^+]+\\+[^+]+)")[0]
    df["module"] = df["location"].str.split(" > ").str[1]
    attempts = pd.to_numeric(df["Attempts"], errors="coerce").fillna(0)
    df["done"] = (attempts > 0) | (df["Completed"] == "yes")
    df["touched"] = df["done"] | (df["Current path"] != "")
    started = int(df.groupby("username")["touched"].any().sum())
    items = df.groupby(["run", "module"])["block"].nunique().rename("items")
    done = df[df["done"]].groupby(["username", "run", "module"])["block"].nunique().rename("done").reset_index()
    done = done.join(items, on=["run", "module"])
    complete = done[done["done"] == done["items"]].drop_duplicates(["username", "module"])
    order = list(dict.fromkeys(df["module"]))
    by_module = complete.groupby("module")["username"].nunique()
    modules = [int(by_module.get(m, 0)) for m in order]

    def ranked(kind, ids, labels):
        rows = df[(df["type"] == kind) & df["done"]].drop_duplicates(["username", "block"])
        totals = rows.groupby("block").size()
        titles = rows.groupby("block")["title"].first()
        keys, names = rows[ids].str.split(), rows[labels].str.split(" | ", regex=False)
        # a label goes with its id when the lists line up (a single id keeps its whole label)
        names = [[whole] if len(k) == 1 else n if len(n) == len(k) else [""] * len(k)
                 for k, n, whole in zip(keys, names, rows[labels], strict=True)]
        exploded = rows.assign(key=keys, name=names).explode(["key", "name"]).dropna(subset=["key"])
        counts = exploded.groupby(["block", "key"]).size()
        named = exploded[exploded["name"] != ""].groupby(["block", "key"])["name"].first()
        return sorted([titles[b], named.get((b, k), k), int(n), int(totals[b])] for (b, k), n in counts.items())

    missed = ranked("f2l_indicator_quiz", "Missed ids", "Missed indicators")
    harmful = ranked("f2l_scenario", "Harmful choice ids", "Harmful choices in last path")
    RESULT = {"seconds": time.perf_counter() - start, "started": started, "modules": modules, "missed": missed,
              "harmful": harmful}
"""


def main() -> None:
    print(f"free2link report: {LEARNERS * MODULES * 4:,}-row problem responses report ({LEARNERS:,} learners × "
          f"{MODULES * 4} blocks, 4 runs)")
    with tempfile.TemporaryDirectory(prefix="f2l-report-bench-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        files = generate(folder)
        size = files["responses"].stat().st_size / 2**20
        with open(files["responses"], encoding="utf-8") as stream:
            rows = sum(1 for _line in stream) - 1
        print(f"  generated {rows:,} rows ({size:.0f} MB) and 4 grade reports in {time.perf_counter() - start:.1f} s")
        args = ["report", "--responses", str(files["responses"])]
        for path in files["grades"]:
            args += ["--grades", str(path)]
        args += ["--out", str(folder / "out")]
        ours = measure(f"sys_args = {args!r}\n" + textwrap.dedent(OURS))
        print(f"  free2link report, end to end:  {ours['seconds']:6.1f} s  {rows / ours['seconds']:>10,.0f} rows/s  "
              f"peak RSS {ours['maxrss_mb']:6.0f} MB  (exit {ours['exit']})")
        inputs = [("responses", str(files["responses"]))] + [("grades", str(p)) for p in files["grades"]]
        aggregation = measure(f"inputs = {inputs!r}\n" + textwrap.dedent(AGGREGATION))
        print(f"  aggregation alone:             {aggregation['seconds']:6.1f} s  "
              f"{rows / aggregation['seconds']:>10,.0f} rows/s  peak RSS {aggregation['maxrss_mb']:6.0f} MB  "
              f"(peak Python heap {aggregation['heap_mb']:.1f} MB, responses only, tracemalloc)")
        try:
            import pandas  # noqa: F401
        except ImportError:
            print("  pandas peer: skipped, pandas is not installed (benchmarks/run installs it)")
            return
        peer = measure(f"path = {str(files['responses'])!r}\n" + textwrap.dedent(PANDAS))
        print(f"  pandas, same aggregation:      {peer['seconds']:6.1f} s  {rows / peer['seconds']:>10,.0f} rows/s  "
              f"peak RSS {peer['maxrss_mb']:6.0f} MB  (pandas {__import__('pandas').__version__}, responses only)")
        same = all(aggregation[k] == peer[k] for k in ("started", "modules", "missed", "harmful"))
        print(f"  same figures as pandas (started, modules completed, missed, harmful): {'yes' if same else 'NO'}")
        if not same:
            for key in ("started", "modules", "missed", "harmful"):
                if aggregation[key] != peer[key]:
                    print(f"    {key}: ours {aggregation[key]!s:.300} / pandas {peer[key]!s:.300}")
            raise SystemExit(1)


if __name__ == "__main__":
    main()
