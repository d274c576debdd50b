"""The Tutor plugin's import job (tutor/tutorfree2link/templates/free2link/jobs/import-courses.sh), run as
`tutor local do import-free2link` runs it in the CMS container, here against the platform suite's real CMS
(`manage.py cms import`), twice: the second run updates the same four course ids and creates none.

Run by scripts/platform-test with --noconftest: the job runs in its own processes, on copies of the suite's CMS
database and modulestore (which already hold the suite's four runs), so this needs no Django of its own."""
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "tutor" / "tutorfree2link" / "templates" / "free2link" / "jobs" / "import-courses.sh"
COURSE = ROOT / "courses" / "e-trafficking-early-identification"
RUNS = {"en": "tutor_en", "it": "tutor_it", "el": "tutor_el", "pl": "tutor-pl.1"}
UPDATED_TITLE = "Early identification, second edition"


@pytest.fixture(scope="module")
def cms(tmp_path_factory):
    """A copy of the suite's CMS state (database and modulestore), and a way to run the job against it."""
    run_folder = Path(os.environ["F2L_PLATFORM_RUN"])
    state = tmp_path_factory.mktemp("tutor-import")
    shutil.copy(run_folder / "cms.db", state / "cms.db")
    shutil.copy(run_folder / "mongo.pickle", state / "mongo.pickle")
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "f2l_settings_cms", "SERVICE_VARIANT": "cms",
               "PLATFORM_CHECK_SQLITE": str(state / "cms.db"), "PLATFORM_CHECK_MONGO_STATE": str(state / "mongo.pickle"),
               "PLATFORM_CHECK_MONGO_DUMP": "1",
               "FREE2LINK_RUNS": " ".join(f"{lang}={run}" for lang, run in RUNS.items()),
               "FREE2LINK_MANAGE": f"{sys.executable} manage.py cms", "FREE2LINK_PYTHON": sys.executable}

    def job(work, **env):
        done = subprocess.run(["sh", "-e", str(JOB)], cwd=os.getcwd(),  # the platform folder
                              env={**environ, "FREE2LINK_WORK": str(state / work), **env},
                              capture_output=True, text=True, timeout=900)
        (state / f"{work}.log").write_text(done.stdout + done.stderr, encoding="utf-8")
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        return done.stdout

    job.state = state
    return job


def course_indexes(state: Path) -> dict:
    """{run: published structure id} of every Free2Link course in the CMS's SQL course index."""
    with sqlite3.connect(state / "cms.db") as db:
        rows = db.execute("SELECT course_id, published_version FROM split_modulestore_django_splitmodulestorecourseindex "
                          "WHERE course_id LIKE 'course-v1:Free2Link+ETRAF101+%'").fetchall()
    return {course_id.rsplit("+", 1)[1]: version for course_id, version in rows}


def course_titles(state: Path) -> dict:
    """{run: display name of the published course block} from the modulestore the job left behind."""
    with open(state / "mongo.pickle", "rb") as handle:
        store = pickle.load(handle)["platform_check_xmodule"]
    structures = {str(doc["_id"]): doc for doc in store["modulestore.structures"]}
    titles = {}
    for index in store["modulestore.active_versions"]:
        if index["org"] == "Free2Link":
            structure = structures[str(index["versions"]["published-branch"])]
            course = next(block for block in structure["blocks"] if block["block_type"] == "course")
            titles[index["run"]] = course["fields"]["display_name"]
    return titles


def retitled_archives(built: Path, out: Path) -> Path:
    """The first run's archives, the English one with a new course title: what a new release would bring."""
    out.mkdir()
    for tarball in built.glob("*.tar.gz"):
        if not tarball.name.endswith("-en.tar.gz"):
            shutil.copy(tarball, out)
            continue
        unpacked = out / "unpacked"
        with tarfile.open(tarball) as archive:
            archive.extractall(unpacked, filter="data")
        run_file = next((unpacked / "course" / "course").glob("*.xml"))
        text = run_file.read_text(encoding="utf-8")
        run_file.write_text(text.replace('display_name="Early identification of victims of online human trafficking"',
                                         f'display_name="{UPDATED_TITLE}"', 1), encoding="utf-8")
        with tarfile.open(out / tarball.name, "w:gz") as archive:
            archive.add(unpacked / "course", arcname="course")
        shutil.rmtree(unpacked)
    return out


def test_the_import_job_runs_twice_and_the_second_run_updates_the_same_courses(cms):
    before = course_indexes(cms.state)
    assert len(before) == 4 and not set(before) & set(RUNS.values()), before  # the suite's own four runs

    first = cms("first", FREE2LINK_COURSE_SOURCE=str(COURSE))  # no archives yet: it builds them
    assert "building" in first
    after_first = course_indexes(cms.state)
    assert set(after_first) == set(before) | set(RUNS.values())
    assert {run: after_first[run] for run in before} == before  # the other runs untouched
    titles = course_titles(cms.state)
    assert {titles[run] for run in RUNS.values()} == {titles[run] for run in before}  # same course, translated

    archives = retitled_archives(cms.state / "first" / "dist", cms.state / "release-2")
    second = cms("second", FREE2LINK_TARBALLS=str(archives))
    assert "building" not in second
    after_second = course_indexes(cms.state)
    assert set(after_second) == set(after_first), "the second run created or lost course ids"
    assert {run: after_second[run] for run in before} == before
    assert after_second[RUNS["en"]] != after_first[RUNS["en"]]  # a new published version of the same course id
    titles = course_titles(cms.state)
    assert titles[RUNS["en"]] == UPDATED_TITLE
    assert titles[RUNS["it"]] != UPDATED_TITLE and titles["2026_en"] != UPDATED_TITLE
