"""The plugin in a real Tutor (the version scripts/tutor-test installed in this venv): enable it, `tutor config
save` into a temporary root, and read what Tutor rendered. No Docker: nothing is built or run here.
Every tutor call takes seconds, so each root is configured once per module and its checks share it."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TUTOR = str(Path(sys.executable).with_name("tutor"))
PLUGIN = Path(__file__).resolve().parents[1] / "tutorfree2link"
JOB_BODY = PLUGIN / "templates" / "free2link" / "jobs" / "import-courses.sh"
RUNS = {"en": "spring_en", "pl": "spring-pl.2"}


class Tutor:
    """`tutor` in its own TUTOR_ROOT (and TUTOR_PLUGINS_ROOT), with the free2link plugin enabled."""

    def __init__(self, folder: Path):
        self.root, self.plugins = folder / "root", folder / "plugins"
        self.environ = {**os.environ, "TUTOR_ROOT": str(self.root), "TUTOR_PLUGINS_ROOT": str(self.plugins)}
        self("plugins", "enable", "free2link")

    def __call__(self, *args) -> str:
        done = subprocess.run([TUTOR, *args], env=self.environ, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"tutor {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def rendered(self, *parts) -> str:
        return self.root.joinpath("env", *parts).read_text(encoding="utf-8")

    def settings(self) -> dict:
        return {service: self.rendered("apps", "openedx", "settings", service, "production.py")
                for service in ("lms", "cms")}


@pytest.fixture(scope="module")
def tutor(tmp_path_factory):
    """A root saved with a pinned version and two runs of our own."""
    tutor = Tutor(tmp_path_factory.mktemp("tutor"))
    tutor("config", "save", "--set", "FREE2LINK_VERSION=0.3.1", "--set", f"FREE2LINK_RUNS={json.dumps(RUNS)}")
    return tutor


def test_the_openedx_image_installs_the_pinned_version_and_builds_the_course_archives(tutor):
    dockerfile = tutor.rendered("build", "openedx", "Dockerfile")
    assert "pip install 'free2link-xblocks[validate]==0.3.1'" in dockerfile
    assert "--no-binary free2link-xblocks" in dockerfile and "'free2link-xblocks==0.3.1'" in dockerfile
    assert "free2link build /tmp/free2link-source/courses/* --out '/openedx/venv/share/free2link/dist'" in dockerfile
    assert "translations/*/text.mo" in dockerfile
    assert "git clone" not in dockerfile.split("free2link-xblocks (tutor-contrib-free2link)")[1]
    # in the python-requirements stage, whose /openedx/venv the final image copies
    stages = dockerfile.split("\nFROM ")
    ours = [stage for stage in stages if "free2link build" in stage]
    assert len(ours) == 1 and ours[0].split("\n", 1)[0].endswith(" AS python-requirements"), ours[0][:80]


def test_printvalue_shows_our_settings(tutor):
    assert tutor("config", "printvalue", "FREE2LINK_PIP_REQUIREMENT").strip() == "free2link-xblocks[validate]==0.3.1"
    printed = tutor("config", "printvalue", "FREE2LINK_RUNS")
    assert "spring_en" in printed and "spring-pl.2" in printed and "2026_it" not in printed


def test_the_import_job_renders_with_the_configured_runs(tutor):
    job = tutor.rendered("plugins", "free2link", "jobs", "import-free2link.sh")
    assert 'export FREE2LINK_RUNS="en=spring_en pl=spring-pl.2"\n' in job
    assert 'export FREE2LINK_TARBALLS="/openedx/venv/share/free2link/dist"\n' in job
    # the plain script comes through Jinja unchanged (it has no template syntax), so what the platform suite runs
    # outside a container is what the CMS container runs
    assert job.rstrip("\n").endswith(JOB_BODY.read_text(encoding="utf-8").rstrip("\n"))
    subprocess.run(["sh", "-n", "-c", job], check=True)


def test_do_import_free2link_is_a_command_of_local_and_k8s(tutor):
    for mode in ("local", "k8s"):
        assert "FREE2LINK_RUNS" in tutor(mode, "do", "import-free2link", "--help")


def test_xapi_needs_no_settings_and_off_turns_it_off(tutor):
    """The package registers its transformers itself (an lms/cms plugin app, where event routing is installed, as
    Aspects does): the plugin adds no app (a second copy would break Django's start), and "off" says so."""
    tutor.plugins.mkdir(exist_ok=True)
    (tutor.plugins / "aspects.yml").write_text("name: aspects\nversion: 0.0.1\n", encoding="utf-8")
    tutor("plugins", "enable", "aspects")  # a stand-in plugin named "aspects"; saves the config too
    for service, text in tutor.settings().items():
        assert "free2link_xblocks.analytics" not in text and "FREE2LINK_XAPI = False" not in text, service
    tutor("config", "save", "--set", "FREE2LINK_XAPI=off")
    for service, text in tutor.settings().items():
        assert "FREE2LINK_XAPI = False" in text, service
        compile(text, service, "exec")


def test_a_git_ref_installs_from_the_repository_instead(tmp_path):
    tutor = Tutor(tmp_path)
    tutor("config", "save", "--set", "FREE2LINK_GIT_REF=release-2", "--set",
          "FREE2LINK_GIT_REPOSITORY=https://git.example.org/f2l.git")
    dockerfile = tutor.rendered("build", "openedx", "Dockerfile")
    assert "pip install 'free2link-xblocks[validate] @ git+https://git.example.org/f2l.git@release-2'" in dockerfile
    assert "git clone --depth 1 --branch 'release-2' 'https://git.example.org/f2l.git' /tmp/free2link-source" in dockerfile
    assert "pip download" not in dockerfile


def test_the_init_tasks_turn_on_completion_tracking():
    import tutorfree2link.plugin  # noqa: F401  declares the plugin's hooks

    from tutor import hooks

    tasks = list(hooks.Filters.CLI_DO_INIT_TASKS.iterate())
    assert ("lms", "./manage.py lms waffle_switch completion.enable_completion_tracking on --create") in tasks
