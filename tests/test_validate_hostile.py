"""``free2link validate`` on archives and folders a course team was sent: hostile input gives one
clear line (naming the archive, and the member or file), never a traceback, and never a read or
a quote of a file outside the course."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from free2link_xblocks import course_tools
from free2link_xblocks.cli import main

MINI = Path(__file__).parent / "data" / "mini-course" / "course"
SECRET = "TOP-SECRET-OUTSIDE-THE-ARCHIVE"


def validate(capsys, path) -> tuple[int, list[str], str]:
    status = main(["validate", str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return status, out.out.splitlines(), out.err


@pytest.fixture
def course(tmp_path) -> Path:
    """A writable copy of the mini course's OLX folder, with a secret file beside it."""
    copy = tmp_path / "work" / "course"
    shutil.copytree(MINI, copy)
    (tmp_path / "work" / "secret.xml").write_text(f"<vertical><html>{SECRET}</html></vertical>", encoding="utf-8")
    return copy


def tarball(folder: Path, target: Path) -> Path:
    with tarfile.open(target, "w:gz") as archive:
        archive.add(folder, arcname="course")
    return target


def add_member(archive, name: str, data: bytes = b"x", kind=tarfile.REGTYPE) -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    archive.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


# ------------------------------------------------------------------ pointers that leave the course


def test_a_vertical_pointing_outside_the_folder_is_refused_and_the_file_never_read(course, capsys):
    seq = course / "sequential" / "seq_learn.xml"
    seq.write_text('<sequential display_name="Learn">\n  <vertical url_name="../../secret"/>\n</sequential>\n')
    status, lines, err = validate(capsys, course)
    assert status == 1 and SECRET not in "".join(lines) + err
    assert lines == [f'{course}/sequential/seq_learn.xml:2: url_name="../../secret" points outside the course folder']


def test_course_xml_pointing_outside_the_archive_is_refused(course, tmp_path, capsys):
    (course / "course.xml").write_text('<course url_name="../../../../tmp/x" org="O" course="C"/>')
    archive = tarball(course, tmp_path / "evil.tar.gz")
    status, lines, _err = validate(capsys, archive)
    assert status == 1 and lines == [
        f'{archive}:course/course.xml:1: url_name="../../../../tmp/x" points outside the course folder']


def test_an_inline_block_naming_a_path_outside_is_refused(course, capsys):
    vertical = course / "vertical" / "v_intro.xml"
    vertical.write_text('<vertical>\n  <html url_name="x" filename="../../../secret"/>\n</vertical>\n')
    status, lines, _err = validate(capsys, course)
    assert status == 1 and lines == [
        f'{course}/vertical/v_intro.xml:2: filename="../../../secret" points outside the course folder']


def test_a_vertical_that_points_to_itself_is_one_line(course, capsys):
    (course / "vertical" / "v_intro.xml").write_text('<vertical>\n  <vertical url_name="v_intro"/>\n</vertical>\n')
    status, lines, _err = validate(capsys, course)
    assert status == 1 and lines == [
        f'{course}/vertical/v_intro.xml:2: <vertical url_name="v_intro"/> points to vertical/v_intro.xml, which '
        "contains this pointer: the course would never end"]


def test_a_loop_through_two_files_is_one_line(course, capsys):
    (course / "vertical" / "v_intro.xml").write_text('<vertical>\n  <vertical url_name="v_b"/>\n</vertical>\n')
    (course / "vertical" / "v_b.xml").write_text('<vertical>\n  <vertical url_name="v_intro"/>\n</vertical>\n')
    status, lines, _err = validate(capsys, course)
    assert status == 1 and lines == [
        f'{course}/vertical/v_b.xml:2: <vertical url_name="v_intro"/> points to vertical/v_intro.xml, which '
        "contains this pointer: the course would never end"]


# ------------------------------------------------------------------ policy files


@pytest.mark.parametrize("name", ["policy.json", "grading_policy.json"])
def test_a_policy_file_nested_100000_deep_is_one_line(course, capsys, name):
    (course / "policies" / "run1" / name).write_text('{"course/run1": ' + "[" * 100_000 + "]" * 100_000 + "}")
    status, lines, _err = validate(capsys, course)
    assert status == 1 and lines == [
        f"{course}/policies/run1/{name}: not valid JSON: nested more than 64 levels deep"]


def test_advanced_modules_of_the_wrong_type_is_one_line(course, capsys):
    (course / "policies" / "run1" / "policy.json").write_text('{"course/run1": {"advanced_modules": 5}}')
    status, lines, _err = validate(capsys, course)
    assert status == 1 and lines == [
        f'{course}/policies/run1/policy.json: advanced_modules must be a list of block types, such as '
        '["f2l_scenario", "f2l_indicator_quiz"]']


def test_a_policy_file_in_utf16_is_one_line(course, capsys):
    (course / "policies" / "run1" / "policy.json").write_bytes(b'\xff\xfe{"course/run1": {}}')
    status, lines, _err = validate(capsys, course)
    assert status == 1 and lines == [f"{course}/policies/run1/policy.json: the file is not UTF-8 text"]


# ------------------------------------------------------------------ archives that are not courses


def test_an_empty_file_is_one_line(tmp_path, capsys):
    empty = tmp_path / "empty.tar.gz"
    empty.write_bytes(b"")
    assert validate(capsys, empty)[:2] == (1, [
        f"{empty}: not a readable course archive (.tar.gz): the file is empty"])


def test_a_zip_file_is_one_line(tmp_path, capsys):
    import zipfile

    path = tmp_path / "course.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("course/course.xml", "<course/>")
    assert validate(capsys, path)[:2] == (1, [
        f"{path}: not a readable course archive (.tar.gz): this is a .zip file; export the course from Studio as "
        ".tar.gz"])


def test_junk_is_one_line(tmp_path, capsys):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(os.urandom(10) + b"not an archive at all" * 50)
    assert validate(capsys, junk)[:2] == (1, [
        f"{junk}: not a readable course archive (.tar.gz): not a tar archive, or a damaged one"])


@pytest.mark.parametrize("where", [0.3, 0.5, 0.8])
def test_a_gzip_with_one_flipped_byte_is_refused_not_validated(course, tmp_path, capsys, where):
    archive = tarball(course, tmp_path / "course.tar.gz")
    data = bytearray(archive.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    archive.write_bytes(bytes(data))
    assert validate(capsys, archive)[:2] == (1, [
        f"{archive}: not a readable course archive (.tar.gz): the file is damaged (its gzip data does not check "
        "out)"])


def test_an_archive_without_course_xml_names_the_archive_not_a_temporary_folder(tmp_path, capsys):
    path = tmp_path / "no-course.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        add_member(archive, "course/about/overview.html", b"<p>Hi</p>")
    status, lines, _err = validate(capsys, path)
    assert status == 1 and lines == [
        f"{path}: no course.xml in the archive, at its top or in one folder below it"]


def test_the_intact_archive_still_validates(course, tmp_path, capsys):
    assert validate(capsys, tarball(course, tmp_path / "course.tar.gz"))[:2] == (0, [])


# ------------------------------------------------------------------ names that are unsafe to print


def test_terminal_escapes_in_a_member_name_are_printed_as_escapes(tmp_path, capsys):
    path = tmp_path / "escape.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        add_member(archive, "course/\x1b]0;owned\x07\x1b[2Jlink", kind=tarfile.SYMTYPE)
    status, lines, _err = validate(capsys, path)
    assert status == 1 and lines == [
        f"{path}: the archive holds an unsafe entry: course/\\x1b]0;owned\\x07\\x1b[2Jlink"]
    assert "\x1b" not in "".join(lines)


def test_a_member_name_that_is_not_utf8_is_one_line_with_a_utf8_terminal(tmp_path):
    path = tmp_path / "latin.tar.gz"
    with tarfile.open(path, "w:gz", encoding="utf-8", errors="surrogateescape") as archive:
        add_member(archive, "course/caf\udce9.xml", b"<vertical/>")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LANGUAGE": "en"}
    result = subprocess.run([sys.executable, "-m", "free2link_xblocks.cli", "validate", str(path)],
                            capture_output=True, env=env, timeout=120)
    out, err = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert result.returncode == 1 and "Traceback" not in err, err
    assert out.splitlines() == [f"{path}: the archive holds a name that is not UTF-8: course/caf\\xe9.xml"]


def test_printable_escapes_controls_and_undecodable_bytes_and_keeps_text():
    assert course_tools.printable("Ελληνικά/ść.xml") == "Ελληνικά/ść.xml"
    assert course_tools.printable("a\x1b[31mb\x9bc\nd\udcff") == "a\\x1b[31mb\\x9bc\\x0ad\\xff"
