"""Per scenario of a course: the best score of a path through a harmful choice, as a share of the maximum.

    .venv/bin/python scripts/harmful_scores.py [courses/<name>/course]

Computed by the core (the same functions as ``free2link validate``), so the figures are the
ones learners would get.
"""

from __future__ import annotations

import sys
from pathlib import Path

from free2link_xblocks.core import scenario
from free2link_xblocks.core.course import load_course, pass_mark

DEFAULT = Path(__file__).resolve().parent.parent / "courses" / "e-trafficking-early-identification" / "course"


def rows(folder: Path):
    course = load_course(folder)
    for placed in course.blocks_of(scenario.ROOT_TAG):
        model, _problems = scenario.parse_scenario_element(placed.element)
        possible = scenario.max_score(model)
        harmful = scenario.best_harmful_scores(model)
        best = max(harmful.values(), default=None)
        graded = placed.sequential is not None and placed.sequential.get("graded", "").lower() == "true"
        reaching = sum(1 for points in harmful.values() if possible and points >= pass_mark(course.grading) * possible)
        yield placed.element.get("url_name"), graded, possible, best, len(harmful), reaching


def main(argv) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else DEFAULT
    print("| Scenario | Graded | Max | Best through a harmful choice | Share | Harmful choices at/above pass mark |")
    print("|---|---|---|---|---|---|")
    for name, graded, possible, best, count, reaching in rows(folder):
        share = f"{100 * best / possible:.0f} %" if best is not None and possible else "–"
        print(f"| {name} | {'yes' if graded else 'no'} | {possible} | {best if best is not None else '–'} | {share} "
              f"| {reaching} of {count} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
