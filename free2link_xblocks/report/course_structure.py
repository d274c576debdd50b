"""The course structure the report merges the language runs by: the Free2Link course's own maps (shipped with
the package), or ``--course``: structure maps, a built ``dist/`` folder, or a course folder or ``.tar.gz``."""

from __future__ import annotations

from pathlib import Path

from ..core.problems import N_, Problem
from ..core.report.structure import StructureError, load

BUNDLED = Path(__file__).resolve().parent / "free2link_course.structure.json"


def bundled() -> list[dict]:
    """The structure maps of the Free2Link course's four language runs (refreshed with ``free2link build``)."""
    return load(BUNDLED)


def course_structure(path: Path, t) -> list[dict]:
    """The maps of ``--course PATH``: maps as written by ``free2link build``, or read from a course's OLX."""
    if path.is_file() and path.name.endswith(".json"):
        return load(path)
    if path.is_dir() and any(path.glob("*.structure.json")):
        return load(path)
    return [_from_course(path, t)]


def _from_course(path: Path, t) -> dict:
    """The structure of a course that was not built by free2link (one run, in its own language)."""
    from lxml import etree

    from ..core.course import load_course
    from ..course_tools import CourseInputError, opened_course, structure_map

    try:
        with opened_course(path, t) as folder:
            course = load_course(folder)
            if course.root_pointer is None or not course.run:
                raise StructureError(Problem(N_("no course.xml: this is not an OLX course")))
            language = ""
            run_file = folder / "course" / f"{course.run}.xml"
            if run_file.is_file():
                parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
                language = etree.parse(str(run_file), parser).getroot().get("language") or ""
            built = structure_map(course, language)
    except CourseInputError as exc:
        raise StructureError(Problem(N_("cannot read the course: {reason}"), {"reason": str(exc)})) from exc
    except etree.XMLSyntaxError as exc:
        raise StructureError(Problem(N_("cannot read the course: {reason}"), {"reason": str(exc)})) from exc
    # imported as it is, a course keeps its own run name (free2link build adds the language)
    suffix = f"_{language}" if language else ""
    built["run"] = built["run"].removesuffix(suffix) if suffix else built["run"].rstrip("_")
    built["course"] = built["course"].removesuffix(suffix) if suffix else built["course"].rstrip("_")
    return built
