"""`free2link report` against pandas doing the same aggregation, on 100,000 and 1,000,000 rows of each input kind.

For each size and kind (grade report, problem grade report, problem responses report, generated in the LMS's
column layout by ``report_exports_gen.py``), two fresh processes run one after the other:

* ours: ``free2link report --pass-mark 60% --out DIR`` end to end (reading, aggregating, writing report.html
  and every CSV file);
* pandas: the same aggregation (learners enrolled and started, each module completed, every module completed,
  passed; for the responses report also the indicators missed and harmful choices taken per block), whose
  figures must equal ours (read back from funnel.csv and the top-list CSV files).

Time is measured inside each process (after its imports); peak RSS is the process's own (``wait4``).
``--rows 100000`` runs one size only. pandas must be importable (``benchmarks/run`` installs it in
``.venv-bench``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report_exports_gen as gen  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("grades", "problem-grades", "responses")

OURS = """
    import json, sys, time
    from free2link_xblocks.cli import main
    start = time.perf_counter()
    code = main(ARGS)
    RESULT = {"seconds": time.perf_counter() - start, "exit": code}
"""

AGGREGATION = """
    import json, time
    from free2link_xblocks.core.report import build_report
    start = time.perf_counter()
    data = build_report([(KIND, PATH)], pass_mark=0.6)
    RESULT = {"seconds": time.perf_counter() - start, "learners": len(data.learners)}
    data.close()
"""

PANDAS_COMMON = """
    import json, re, time
    import pandas as pd
    start = time.perf_counter()
"""

PANDAS = {
    # the grade report: each graded subsection is a module; "Type NN: name" columns, and a type's plain
    # column where it has a single subsection (0 there is not attempted)
    "grades": """
    header = list(pd.read_csv(PATH, nrows=0).columns)
    first, last = header.index("Grade") + 1, header.index("Enrollment Track")
    graded = [c for c in header[first:last] if not c.endswith("(Avg)")]
    numbered = [c for c in graded if re.match(r"^.+? \\d+: .+$", c)]
    df = pd.read_csv(PATH, dtype=str, keep_default_na=False, usecols=["Username", "Email", "Grade"] + graded)
    key = df["Username"].str.strip().str.casefold()
    statuses = pd.DataFrame({"key": key.where(key != "", "@" + df["Email"].str.strip().str.casefold())})
    for column in graded:
        value = pd.to_numeric(df[column], errors="coerce")
        done = value > 0 if column not in numbered else value.between(0, 1)
        statuses[column] = done.map({True: 3, False: 1}).where(df[column].str.strip() != "", 0)
    statuses["grade"] = pd.to_numeric(df["Grade"], errors="coerce")
    learners = statuses.groupby("key", sort=False).max()
    completed = learners[graded] == 3
    started = (learners[graded] >= 2).any(axis=1) | (learners["grade"] > 0)
    names = [re.sub(r"^.+? \\d+: ", "", c) for c in graded]
    RESULT = {"enrolled": len(learners), "started": int(started.sum()),
              "modules": dict(zip(names, [int(n) for n in completed.sum()])),
              "completed": int(completed.all(axis=1).sum()), "passed": int((learners["grade"] >= 0.6).sum())}
""",
    # the problem grade report: problems grouped by their subsection ("Type NN: Subsection - Problem")
    "problem-grades": """
    header = list(pd.read_csv(PATH, nrows=0).columns)
    earned = [c for c in header if c.endswith(" (Earned)")]
    df = pd.read_csv(PATH, dtype=str, keep_default_na=False,
                     usecols=["Username", "Email", "Grade"] + earned + [c[:-9] + " (Possible)" for c in earned])
    key = df["Username"].str.strip().str.casefold()
    statuses = pd.DataFrame({"key": key.where(key != "", "@" + df["Email"].str.strip().str.casefold())})
    for column in earned:
        points = pd.to_numeric(df[column], errors="coerce")
        possible = pd.to_numeric(df[column[:-9] + " (Possible)"], errors="coerce")
        text = df[column].str.strip()
        statuses[column] = (points.between(0, possible) | (points.ge(0) & possible.isna())).map(
            {True: 3, False: 0}).where(text != "Not Attempted", 1).where(text != "", 0)
    statuses["grade"] = pd.to_numeric(df["Grade"], errors="coerce")
    learners = statuses.groupby("key", sort=False).max()
    module_of = {c: re.sub(r"^.+? \\d+: ", "", c[:-9]).split(" - ")[0] for c in earned}
    names = list(dict.fromkeys(module_of.values()))
    done = pd.DataFrame({m: (learners[[c for c in earned if module_of[c] == m]] == 3).all(axis=1) for m in names})
    started = (learners[earned] >= 2).any(axis=1) | (learners["grade"] > 0)
    RESULT = {"enrolled": len(learners), "started": int(started.sum()),
              "modules": {m: int(done[m].sum()) for m in names}, "completed": int(done.all(axis=1).sum()),
              "passed": int((learners["grade"] >= 0.6).sum())}
""",
    # the problem responses report: our blocks' columns; modules are the sections of "location"
    "responses": """
    columns = ["username", "title", "location", "block_key", "Attempts", "Best score", "Max score", "Completed",
               "Current path", "Missed ids", "Missed indicators", "Harmful choice ids", "Harmful choices in last path"]
    df = pd.read_csv(PATH, usecols=columns, dtype=str, keep_default_na=False)
    parts = df["block_key"].str.extract(r"\\+type@(?P<type>[^+]+)\\+block@(?P<block>.+)$")
    df["type"], df["block"] = parts["type"], parts["block"]
    df["run"] = df["block_key"].str.extract(r"^block-v1:([^+]+\\+[^+]+\\+[^+]+)")[0]
    df["module"] = df["location"].str.split(" > ").str[1]
    attempts = pd.to_numeric(df["Attempts"], errors="coerce").fillna(0)
    df["done"] = (attempts > 0) | ((df["type"] == "f2l_scenario") & (df["Completed"] == "yes"))
    df["touched"] = df["done"] | (df["Current path"] != "")
    learners = df["username"].nunique()
    started = int(df.groupby("username")["touched"].any().sum())
    items = df.groupby(["run", "module"])["block"].nunique().rename("items")
    done = df[df["done"]].groupby(["username", "run", "module"])["block"].nunique().rename("done").reset_index()
    done = done.join(items, on=["run", "module"])
    complete = done[done["done"] == done["items"]].drop_duplicates(["username", "module"])
    order = list(dict.fromkeys(df["module"]))
    by_module = complete.groupby("module")["username"].nunique()
    everything = int((complete.groupby("username")["module"].nunique() == len(order)).sum())

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

    RESULT = {"enrolled": learners, "started": started, "modules": {m: int(by_module.get(m, 0)) for m in order},
              "completed": everything,
              "missed": ranked("f2l_indicator_quiz", "Missed ids", "Missed indicators"),
              "harmful": ranked("f2l_scenario", "Harmful choice ids", "Harmful choices in last path")}
""",
}
PANDAS_END = """
    RESULT["seconds"] = time.perf_counter() - start
"""


def measure(python: str, code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints a JSON dict, to which its own peak RSS is added."""
    wrapper = textwrap.dedent(code) + "\nprint(json.dumps(RESULT))\n"
    env = dict(os.environ, LANGUAGE="en", LC_ALL="C.UTF-8")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([python, "-c", wrapper], stdout=out, stderr=err, cwd=ROOT, env=env)
        _pid, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        err.seek(0)
        if status:
            raise SystemExit(err.read()[-3000:])
        result = json.loads(out.read().strip().splitlines()[-1])
    result["maxrss_mb"] = usage.ru_maxrss / 1024
    result["cpu"] = usage.ru_utime + usage.ru_stime  # the whole process, imports included
    return result


def our_figures(out: Path, kind: str) -> dict:
    """Our figures, read back from the report's CSV files."""
    with open(out / "funnel.csv", encoding="utf-8-sig", newline="") as stream:
        funnel = [(row["Stage"], int(row["Learners"])) for row in csv.DictReader(stream)]
    stages = dict(funnel)
    figures = {"enrolled": stages["Enrolled"], "started": stages["Started"],
               "modules": {stage[len("Completed: "):]: n for stage, n in funnel if stage.startswith("Completed: ")},
               "completed": stages["Completed every module"]}
    if kind != "responses":
        figures["passed"] = stages["Passed"]
        return figures
    for name, key, block in (("missed_indicators", "missed", "Quiz"), ("harmful_choices", "harmful", "Scenario")):
        with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as stream:
            figures[key] = sorted([row[block], row["Indicator" if key == "missed" else "Choice"],
                                   int(row["Missed by" if key == "missed" else "Taken by"]),
                                   int(row["Learners who answered" if key == "missed" else "Learners who finished"])]
                                  for row in csv.DictReader(stream))
    return figures


def bench(kind: str, rows: int, folder: Path, pandas_python: str) -> dict:
    path = folder / gen.file_name(kind, rows)
    start = time.perf_counter()
    gen.WRITERS[kind](path, rows)
    made = time.perf_counter() - start
    out = folder / f"out-{kind}-{rows}"
    option = {"grades": "--grades", "problem-grades": "--problem-grades", "responses": "--responses"}[kind]
    args = ["report", option, str(path), "--pass-mark", "60%", "--out", str(out)]
    ours = measure(sys.executable, f"ARGS = {args!r}\n" + textwrap.dedent(OURS))
    alone = measure(sys.executable, f"KIND, PATH = {kind!r}, {str(path)!r}\n" + textwrap.dedent(AGGREGATION))
    peer = measure(pandas_python, f"PATH = {str(path)!r}\n" + textwrap.dedent(PANDAS_COMMON)
                   + textwrap.dedent(PANDAS[kind]) + textwrap.dedent(PANDAS_END))
    figures = our_figures(out, kind)
    same = all(figures[key] == peer[key] for key in figures)
    if not same:
        for key in figures:
            if figures[key] != peer[key]:
                print(f"    {key}: ours {figures[key]!s:.400} / pandas {peer[key]!s:.400}")
    size = path.stat().st_size / 2**20
    path.unlink()
    return {"kind": kind, "rows": rows, "mb": size, "made": made, "ours": ours, "alone": alone, "pandas": peer,
            "same": same}


def _ratio(peer: dict, ours: dict) -> str:
    return f"{peer['seconds'] / ours['seconds']:.2f}/{peer['cpu'] / ours['cpu']:.2f}"


def _cell(result: dict) -> str:
    return f"{result['seconds']:.1f}/{result['cpu']:.1f}/{result['maxrss_mb']:.0f}"


def machine() -> str:
    """The machine the figures were measured on: processors, their model, the load when the run began."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            model = next((line.split(":", 1)[1].strip() for line in stream if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model or 'model unknown'}), load average {os.getloadavg()[0]:.2f}."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="rows per file (default: 100000 and 1000000)")
    parser.add_argument("--kind", action="append", choices=KINDS)
    parser.add_argument("--pandas-python", default=sys.executable,
                        help="the Python that has pandas (default: this one)")
    args = parser.parse_args()
    print(f"free2link report vs pandas, same aggregation. {machine()}")
    print("Each cell: wall s / CPU s (CPU: the whole process, imports included) / peak RSS MB, each process "
          "measured on its own.")
    print(f"{'input':<15}{'rows':>10}{'MB':>5}  {'ours, end to end':>18}  {'ours, aggregation':>18}  "
          f"{'pandas, aggregation':>20}  {'ratio e2e':>10}  {'ratio agg':>10}  same")
    failed = False
    with tempfile.TemporaryDirectory(prefix="f2l-report-bench-") as tmp:
        for rows in args.rows or [100_000, 1_000_000]:
            for kind in args.kind or KINDS:
                result = bench(kind, rows, Path(tmp), args.pandas_python)
                ours, alone, peer = result["ours"], result["alone"], result["pandas"]
                print(f"{kind:<15}{rows:>10,}{result['mb']:>5.0f}  {_cell(ours):>18}  {_cell(alone):>18}  "
                      f"{_cell(peer):>20}  {_ratio(peer, ours):>10}  {_ratio(peer, alone):>10}"
                      f"  {'yes' if result['same'] else 'NO'}", flush=True)
                failed = failed or not result["same"] or ours["exit"] != 0
    print("ratio: pandas' time over ours (end to end; aggregation alone), wall/CPU: above 1, ours is faster")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
