"""A real xblock-sdk workbench, started as its own process on a free loopback port."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Workbench:
    """Start ``python -m django runserver`` with our workbench settings (language switch) in a scratch folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def __enter__(self):
        (self.folder / "var").mkdir(parents=True, exist_ok=True)
        # The checkout's course sources: under tox the package is installed, not beside courses/.
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="free2link_xblocks.workbench_settings", EXCLUDE_SAMPLE_XBLOCKS="yes",
                   PYTHONUNBUFFERED="1", FREE2LINK_COURSES=str(Path(__file__).resolve().parents[1] / "courses"))
        subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "--verbosity", "0"],
                       cwd=self.folder, env=env, check=True)
        self.log = open(self.folder / "server.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=self.folder, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
            except OSError:
                time.sleep(0.3)
                continue
            # The first requests arrive together, as a browser's would: each must see every exercise.
            try:
                with ThreadPoolExecutor(3) as pool:
                    self.first_indexes = list(pool.map(self._read_index, range(3)))
            except BaseException:
                self.__exit__()  # never leave the server running when its first pages fail
                raise
            return self
        self.__exit__()
        raise RuntimeError("workbench did not start:\n" + (self.folder / "server.log").read_text())

    def _read_index(self, _number) -> str:
        return urllib.request.urlopen(self.url + "/", timeout=120).read().decode()

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if getattr(self, "log", None):
            self.log.close()

    def scenario_ids(self, block_type="f2l_scenario") -> list[str]:
        index = urllib.request.urlopen(self.url + "/", timeout=10).read().decode()
        return re.findall(rf'href="/scenario/({block_type}\.\d+)/"', index)


LEARNER_ACTIONS = {"choose", "proceed", "back", "restart", "submit", "reset"}
# A block of ours on a workbench page, and its init args (which carry the action token "seq").
_BLOCK_ARGS = re.compile(r"data-usage='([^']+)' data-block-type='f2l_[a-z_]+'.*?"
                         r'class="xblock_json_init_args">\s*(\{.*?\})\s*</script>', re.S)


class Client:
    """A browser-like HTTP client: keeps cookies, sends the CSRF header the way our JS does, and
    echoes each block's action token ``seq`` from the last page or answer, as the learner JS does."""

    def __init__(self, base_url: str, student: str):
        self.base_url = base_url
        self.student = student
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.seqs: dict[str, int] = {}

    def get(self, path: str) -> tuple[int, str]:
        sep = "&" if "?" in path else "?"
        try:
            with self.opener.open(f"{self.base_url}{path}{sep}student={self.student}", timeout=30) as response:
                status, html = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        for usage_id, args in _BLOCK_ARGS.findall(html):
            seq = json.loads(args).get("seq")
            if isinstance(seq, int):
                self.seqs[usage_id] = seq
        return status, html

    @property
    def csrf_token(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def post(self, usage_id: str, handler: str, body, csrf=True, raw=False) -> tuple[int, dict | str]:
        if not raw and handler in LEARNER_ACTIONS and isinstance(body, dict) and "seq" not in body:
            body = {**body, "seq": self.seqs.get(usage_id, 0)}
        data = body if raw else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}/handler/{usage_id}/{handler}/?student={self.student}", data=data, method="POST",
            headers={"Content-Type": "application/json", "Referer": self.base_url + "/"})
        if csrf:
            request.add_header("X-CSRFToken", self.csrf_token)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        try:
            answer = json.loads(text)
        except ValueError:
            return status, text
        if isinstance(answer, dict) and isinstance(answer.get("seq"), int):
            self.seqs[usage_id] = answer["seq"]
        return status, answer
