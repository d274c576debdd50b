"""Notes for course teams stay in the source, never reach learners, and land in the build's checklist."""

from __future__ import annotations

import shutil
import tarfile

from free2link_xblocks import course_tools
from free2link_xblocks.i18n import cli_translation

from .test_course_tools import MINI, translate_catalogue

T = cli_translation()
NOTE = "For course teams: check the number 112 before publishing."
END_NOTE = "For course teams: check the legal reference in this debrief."


def course_with_notes(tmp_path):
    source = tmp_path / "mini-course"
    shutil.copytree(MINI, source)
    html = source / "course" / "html" / "intro.html"
    html.write_text(html.read_text(encoding="utf-8").replace(
        "<ul>", f'<p class="f2l-course-team">{NOTE}</p>\n<ul>', 1), encoding="utf-8")
    vertical = source / "course" / "vertical" / "v_check.xml"
    vertical.write_text(vertical.read_text(encoding="utf-8").replace(
        "<p>She keeps in touch.</p>", f'<p>She keeps in touch.</p><p class="f2l-course-team">{END_NOTE}</p>'),
        encoding="utf-8")
    course_tools.extract(source, T)
    return source


def built_text(tarball) -> str:
    with tarfile.open(tarball) as archive:
        return "".join(archive.extractfile(m).read().decode("utf-8") for m in archive.getmembers() if m.isfile()
                       and m.name.endswith((".xml", ".html")))


def test_the_build_takes_the_notes_out_and_lists_them_in_a_checklist(tmp_path):
    source = course_with_notes(tmp_path)
    tarball, report = course_tools.build(source, "en", tmp_path / "dist", T)
    assert tarball is not None, report.lines
    text = built_text(tarball)
    assert "For course teams" not in text and "f2l-course-team" not in text
    assert "Read the <a" in text and "She keeps in touch." in text  # the rest is kept
    checklist = (tmp_path / "dist" / "mini-course-en-course-team-checklist.md").read_text(encoding="utf-8")
    assert f"`html/intro.html:3`: {NOTE}" in checklist and END_NOTE in checklist


def test_a_translated_build_lists_the_translated_notes(tmp_path):
    source = course_with_notes(tmp_path)
    translate_catalogue(source, "it")
    tarball, report = course_tools.build(source, "it", tmp_path / "dist", T)
    assert tarball is not None, report.lines
    assert "For course teams" not in built_text(tarball)
    checklist = (tmp_path / "dist" / "mini-course-it-course-team-checklist.md").read_text(encoding="utf-8")
    assert f"«it» {NOTE}" in checklist


def test_the_source_still_holds_the_notes_for_the_course_team_to_edit(tmp_path):
    source = course_with_notes(tmp_path)
    assert NOTE in (source / "course" / "html" / "intro.html").read_text(encoding="utf-8")
    assert NOTE in (source / "locale" / "course.pot").read_text(encoding="utf-8")


def test_the_shipped_course_marks_every_course_team_note():
    course = course_tools.course_sources()[0] / "course"
    for path in course.rglob("*"):
        if path.suffix in (".xml", ".html"):
            for line in path.read_text(encoding="utf-8").splitlines():
                if "For course teams" in line:
                    assert 'class="f2l-course-team">For course teams' in line, f"{path}: {line.strip()[:80]}"
