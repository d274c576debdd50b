"""One module list over a course's language runs, from the structure maps ``free2link build`` writes.

Each language run of a course names its modules, subsections and problems in its own language, so the
exports of the it, el and pl runs share no title. The build writes the same structure in every language
(the same ``url_name`` everywhere) and, beside each tarball, a structure map
(``<course>-<lang>.structure.json``: the run, each module with its subsections, their assignment type, and
its problems and blocks, named as that run shows them). From the maps of all runs the report knows which
module any name of any run belongs to, and names the modules in one language (``--lang``).

The maps of the Free2Link course ship with the package (report/free2link_course.structure.json), so its
trainers need no option; ``--course`` gives the maps (or the course folder or tarball) of another course.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..problems import N_, Problem

FORMAT = "free2link-structure/1"


class StructureError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.template)
        self.problem = problem


def load(path) -> list[dict]:
    """The structure maps at ``path``: a ``.structure.json`` file (one run, or ``{"runs": [...]}``) or a folder
    of them (``dist/`` after a build)."""
    path = Path(path)
    if path.is_dir():
        return [run for found in sorted(path.glob("*.structure.json")) for run in load(found)]
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise StructureError(Problem(N_("cannot read the course structure: {reason}"),
                                     {"reason": getattr(exc, "strerror", None) or type(exc).__name__})) from exc
    runs = content.get("runs") if isinstance(content, dict) and "runs" in content else [content]
    if not isinstance(runs, list) or not all(_valid(run) for run in runs):
        raise StructureError(Problem(N_("this is not a course structure map written by free2link build")))
    return runs


def _valid(run) -> bool:
    return (isinstance(run, dict) and run.get("format") == FORMAT and isinstance(run.get("run"), str)
            and isinstance(run.get("modules"), list)
            and all(isinstance(m, dict) and isinstance(m.get("name"), str) and isinstance(m.get("id"), str)
                    and all(isinstance(x, dict) and isinstance(x.get("name"), str)
                            for x in m.get("subsections", []) + m.get("blocks", []))
                    for m in run["modules"]))


def _course_of(run_id: str) -> str:
    """``ORG_COURSE`` of ``ORG_COURSE_RUN`` (the run itself may contain ``_``)."""
    return "_".join(run_id.split("_", 2)[:2])


def applicable(maps: list[dict], runs_read) -> list[dict]:
    """The maps of the course(s) the exports are from."""
    courses = {_course_of(run) for run in runs_read}
    return [run for run in maps if _course_of(run.get("run", "")) in courses]


def module_mapping(maps: list[dict], language: str) -> tuple[list[tuple[str, str]], dict[str, str], dict]:
    """``(pairs, block titles, block labels)``: every name a run shows for a module, subsection or
    single-subsection assignment type, paired with its module's name in ``language`` (in module order); each
    block's title there; and the labels of its harmful choices and indicators there, by id."""
    if not maps:
        return [], {}, {}
    shown = next((run for run in maps if run.get("language") == language), None) or \
        next((run for run in maps if run.get("language") == "en"), maps[0])
    names = {module["id"]: module["name"] for module in shown["modules"]}
    pairs = [(module["name"], module["name"]) for module in shown["modules"]]
    for run in maps:
        formats: dict[str, list] = {}
        for module in run["modules"]:
            target = names.get(module["id"], module["name"])
            pairs.append((module["name"], target))
            for subsection in module.get("subsections", []):
                pairs.append((subsection["name"], target))
                if subsection.get("format"):
                    formats.setdefault(subsection["format"], []).append(target)
        # a type with a single subsection is shown by the grade report as one column named after the type
        pairs += [(label, targets[0]) for label, targets in formats.items() if len(targets) == 1]
    blocks = [block for module in shown["modules"] for block in module.get("blocks", [])]
    titles = {block["id"]: block["name"] for block in blocks}
    labels = {block["id"]: block["labels"] for block in blocks if isinstance(block.get("labels"), dict)}
    return [(name, target) for name, target in pairs if name and target], titles, labels
