#!/bin/sh
# Import the Free2Link course runs into the CMS with `manage.py cms import`, one course id per language.
# Idempotent: the importer reuses a course id that exists (xml_importer.CourseImportManager.get_dest_id) and
# writes every block of the archive over it, so a second run updates the same runs and creates nothing new.
# POSIX sh (Tutor runs jobs with `sh -e -c`), no template syntax (Tutor renders it as a Jinja template), and every
# path or command from the environment, so it also runs outside a container (tests/platform/test_tutor_import.py).
#   FREE2LINK_RUNS            "lang=run ..." (e.g. "en=2026_en it=2026_it"): the languages and their run ids
#   FREE2LINK_TARBALLS        folder of built <course>-<lang>.tar.gz archives (the image's, from `free2link build`)
#   FREE2LINK_COURSE_SOURCE   else, a course source folder (courses/<name>) to build them from with `free2link build`
#   FREE2LINK_MANAGE          the CMS's manage command (default: "./manage.py cms", run in the edx-platform folder)
#   FREE2LINK_PYTHON          the Python with free2link-xblocks installed (default: python)
#   FREE2LINK_WORK            scratch folder, emptied first (default: /tmp/free2link-import)
set -eu
runs="${FREE2LINK_RUNS:?FREE2LINK_RUNS is empty: set it to lang=run pairs, e.g. en=2026_en}"
manage="${FREE2LINK_MANAGE:-./manage.py cms}"
python="${FREE2LINK_PYTHON:-python}"
work="${FREE2LINK_WORK:-/tmp/free2link-import}"
say() { echo "[free2link] $*"; }

rm -rf "$work" && mkdir -p "$work/dist" "$work/data"
tarballs="${FREE2LINK_TARBALLS:-}"
if [ -z "$tarballs" ] || ! ls "$tarballs"/*.tar.gz >/dev/null 2>&1; then
  source_folder="${FREE2LINK_COURSE_SOURCE:?no tarballs in FREE2LINK_TARBALLS and no FREE2LINK_COURSE_SOURCE to build from}"
  languages=""
  for pair in $runs; do languages="$languages --lang ${pair%%=*}"; done
  say "building $source_folder:$languages"
  # shellcheck disable=SC2086  # one word per option
  "$python" -m free2link_xblocks.cli build "$source_folder" $languages --out "$work/dist" >/dev/null
  tarballs="$work/dist"
fi

course_dirs=""
for pair in $runs; do
  lang="${pair%%=*}"; run="${pair#*=}"
  case "$run" in ""|*[!A-Za-z0-9_.-]*) echo "[free2link] bad run id '$run' for $lang: letters, digits, _ . - only" >&2; exit 2 ;; esac
  tarball=$(ls "$tarballs"/*-"$lang".tar.gz 2>/dev/null | head -n 1)
  [ -n "$tarball" ] || { echo "[free2link] no *-$lang.tar.gz in $tarballs" >&2; exit 2; }
  mkdir -p "$work/unpack" && tar -xzf "$tarball" -C "$work/unpack"
  mv "$work/unpack/course" "$work/data/free2link_$lang" && rm -rf "$work/unpack"
  "$python" - "$work/data/free2link_$lang" "$run" <<'PYTHON'
"""Give the unpacked course the run id asked for: course.xml's url_name, course/<run>.xml, policies/<run>/."""
import json
import sys
from pathlib import Path
from xml.etree import ElementTree

top, new = Path(sys.argv[1]), sys.argv[2]
pointer = ElementTree.parse(top / "course.xml").getroot()
old = pointer.get("url_name")
if old != new:
    pointer.set("url_name", new)
    (top / "course.xml").write_text(ElementTree.tostring(pointer, encoding="unicode") + "\n", encoding="utf-8")
    (top / "course" / f"{old}.xml").rename(top / "course" / f"{new}.xml")
    policies = top / "policies" / old
    if policies.is_dir():
        policies.rename(top / "policies" / new)
        policy_file = top / "policies" / new / "policy.json"
        policy = json.loads(policy_file.read_text(encoding="utf-8"))
        if f"course/{old}" in policy:
            policy[f"course/{new}"] = policy.pop(f"course/{old}")
        policy_file.write_text(json.dumps(policy, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"[free2link] {top.name}: course-v1:{pointer.get('org')}+{pointer.get('course')}+{new}")
PYTHON
  course_dirs="$course_dirs free2link_$lang"
done

say "manage.py cms import:$course_dirs"
# shellcheck disable=SC2086  # the manage command and the course folders are word lists
$manage import "$work/data" $course_dirs
say "imported:$course_dirs"
