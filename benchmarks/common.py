"""What every block benchmark shares: Django set up as in the tests, one runtime for ours and the peers,
a fresh block instance per request, interleaved timing with medians and spread, page weight.

How a request is measured, for every block alike (ours and the peers):

- the block's content and settings are stored once in the runtime's field data; each request builds a **fresh
  instance** from it (``runtime.get_block``), as the LMS constructs one per request, and the timed work is that
  construction plus the view or handler and the writing back of its fields;
- XBlock's ``Runtime.render`` looks up the installed asides on every render by scanning the packages' entry
  points, work that depends on what else is installed and is not the block's: the benchmark runtime skips it
  for every block, and :func:`aside_scan_ms` reports what it costs on its own line;
- the cases of one comparison are repeated interleaved (A, B, C, A, B, C...), so that the machine's drift
  touches each alike; each row prints the median, the interquartile range and the ratio to the reference row.
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:
    import tests.settings as _test_settings  # noqa: E402

    # CAPA (xblocks-contrib's ProblemBlock) renders its input templates with Django's app loader.
    _test_settings.INSTALLED_APPS = [*_test_settings.INSTALLED_APPS, *(
        ["xblocks_contrib.problem.capa"] if __import__("importlib").util.find_spec("xblocks_contrib") else [])]
django.setup()

from opaque_keys.edx.locator import BlockUsageLocator, CourseLocator  # noqa: E402
from web_fragments.fragment import Fragment  # noqa: E402
from webob import Request  # noqa: E402
from xblock.core import XBlock  # noqa: E402
from xblock.fields import ScopeIds  # noqa: E402
from xblock.runtime import KvsFieldData, MemoryIdManager, Mixologist, NullI18nService  # noqa: E402
from xblock.test.toy_runtime import ToyRuntime, ToyRuntimeKeyValueStore  # noqa: E402

TARGET_GZ = 12288  # learner JS+CSS budget per block, gzip -9
LEARNER = "learner"


# ------------------------------------------------------------------ the runtime and its services

class _User:
    opt_attrs = {"edx-platform.user_id": 7, "edx-platform.username": LEARNER,
                 "edx-platform.deprecated_anonymous_user_id": "anon-7", "edx-platform.user_is_staff": False}


class _UserService:
    def get_current_user(self):
        return _User()


class _CacheService:  # CAPA asks its cache for rendered problem HTML: always a miss, as on a first visit
    def get(self, key):
        return None

    def set(self, key, value, *args, **kwargs):
        pass


class _SandboxService:  # no Python in the problems benchmarked
    def can_execute_unsafe_code(self):
        return False

    def get_python_lib_zip(self):
        return None


class _XQueueService:  # no external grader in the problems benchmarked
    interface = None
    waittime = 5
    default_queuename = "bench"

    def construct_callback(self, *args, **kwargs):
        return ""


class _ReplaceUrls:
    def replace_urls(self, html, *args, **kwargs):
        return html


class _UsageId(str):
    """A usage id of a course run, as the LMS has them (CAPA asks for its ``html_id()``), that is also a plain
    string, as ToyRuntime's own ids are: the field store joins and hashes it on every field access."""

    def __new__(cls, key: BlockUsageLocator):
        usage_id = super().__new__(cls, str(key))
        usage_id.key = key
        return usage_id

    def __getattr__(self, name):
        return getattr(self.key, name)


class _CourseIds(MemoryIdManager):
    course = CourseLocator("Bench", "B1", "run")

    def create_usage(self, def_id):
        usage_id = _UsageId(BlockUsageLocator(self.course, self._definitions[def_id], self._next_id("u")))
        self._usages[usage_id] = def_id
        return usage_id


STORE = ToyRuntimeKeyValueStore({})


class _InheritedSettings:
    """Course settings the LMS mixes into every block (InheritanceMixin), at their defaults; CAPA reads them."""

    graded = False


class BenchRuntime(ToyRuntime):
    """XBlock's ToyRuntime with the services a learner's request has in the LMS (i18n, the current user, static
    URL rewriting; CAPA's cache, sandbox and xqueue), and without the aside scan (see :func:`aside_scan_ms`)."""

    def __init__(self):
        super().__init__(LEARNER)
        self.id_reader = self.id_generator = _CourseIds()
        self.mixologist = Mixologist([_InheritedSettings])
        self._services["field-data"] = KvsFieldData(STORE)
        self._services.update({"i18n": NullI18nService(), "user": _UserService(), "cache": _CacheService(),
                               "sandbox": _SandboxService(), "xqueue": _XQueueService(),
                               "replace_urls": _ReplaceUrls()})

    resources_fs = None  # CAPA: no course files in the problems benchmarked
    course_entry = None
    position = None

    def applicable_aside_types(self, block):
        return []

    def load_block_type(self, block_type):
        return _EmptyBlock if block_type == _EmptyBlock.TYPE else super().load_block_type(block_type)


class _EmptyBlock(XBlock):
    """A block that does nothing, to time the runtime's own path (instance, view or handler, save)."""

    TYPE = "bench_empty"

    def student_view(self, context=None):
        return Fragment("")

    @XBlock.json_handler
    def nothing(self, data, suffix=""):
        return {}


def runtime_floor(runtime: BenchRuntime, repeat: int = 200) -> str:
    """What the runtime's path costs a block that does nothing (included in every row), and the aside scan
    (in no row): a line to print under the tables."""
    usage = stored_block(runtime, _EmptyBlock.TYPE)
    results = interleaved([Case("render", lambda: render(runtime, usage)),
                           Case("handler", lambda: post(runtime, usage, "nothing", {}))], repeat)
    scan = aside_scan_ms(runtime, usage)
    return (f"runtime's own path, in every row above (a block that does nothing): render {results['render'][0]:.3f} ms, "
            f"handler {results['handler'][0]:.3f} ms; ToyRuntime's aside lookup, left out of every row: "
            f"{scan[0]:.3f} ms a render (IQR {scan[1]:.3f}-{scan[2]:.3f})")


def aside_scan_ms(runtime: BenchRuntime, usage_id, repeat: int = 50) -> tuple[float, float, float]:
    """What ToyRuntime's aside lookup adds to every render (the same for every block): median and IQR."""
    block = runtime.get_block(usage_id)
    return summary([_time_once(lambda: ToyRuntime.applicable_aside_types(runtime, block)) for _ in range(repeat)])


def stored_block(runtime: BenchRuntime, block_type: str, **fields):
    """A block of ``block_type`` whose content and settings are ``fields``, stored in the field data: its id."""
    def_id = runtime.id_generator.create_definition(block_type)
    usage_id = runtime.id_generator.create_usage(def_id)
    block = runtime.construct_xblock(block_type, ScopeIds(LEARNER, block_type, def_id, usage_id))
    for name, value in fields.items():
        setattr(block, name, value)
    block.save()
    return usage_id


def olx_block(runtime: BenchRuntime, xml: str):
    """A block imported from OLX (ours), stored in the field data: its id."""
    return runtime.parse_xml_string(xml)


def forget_learner(usage_id) -> None:
    """Remove the learner's state of a block (untimed, between requests): the next answer is a first one."""
    STORE.db_dict.pop(learner_key(usage_id), None)


def learner_key(usage_id) -> str:
    return f"blockscope_usage.{usage_id}.{LEARNER}"


def post(runtime: BenchRuntime, usage_id, handler: str, payload=None, suffix: str = "", form: str | None = None,
         expect: int = 200):
    """One handler request on a fresh instance; a JSON body, or a form body (CAPA reads ``request.POST``)."""
    if form is not None:
        request = Request.blank("/", method="POST", body=form.encode(),
                                content_type="application/x-www-form-urlencoded")
    else:
        request = Request.blank("/", method="POST", body=json.dumps(payload).encode())
    response = runtime.handle(runtime.get_block(usage_id), handler, request, suffix)
    assert response.status_int == expect, (handler, response.status_int, response.body[:300])
    return response


def render(runtime: BenchRuntime, usage_id, view: str = "student_view") -> str:
    """One learner page render on a fresh instance: its HTML."""
    return runtime.render(runtime.get_block(usage_id), view, {}).content


# ------------------------------------------------------------------ timing

@dataclass
class Case:
    """One row of a comparison: ``prepare`` runs untimed before each timed ``run``."""

    name: str
    run: Callable[[], object]
    prepare: Callable[[], object] | None = None


def _time_once(func) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def summary(samples: list[float]) -> tuple[float, float, float]:
    """Median, first and third quartile."""
    q1, median, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return median, q1, q3


def interleaved(cases: list[Case], repeat: int, warmup: int = 3) -> dict[str, tuple[float, float, float]]:
    """Each case ``repeat`` times, interleaved (A, B, C, A, B, C, ...): name -> (median, q1, q3) in ms."""
    samples: dict[str, list[float]] = {case.name: [] for case in cases}
    for round_ in range(warmup + repeat):
        for case in cases:
            if case.prepare:
                case.prepare()
            elapsed = _time_once(case.run)
            if round_ >= warmup:
                samples[case.name].append(elapsed)
    return {name: summary(values) for name, values in samples.items()}


def print_comparison(title: str, results: dict, reference: str, targets: dict | None = None) -> None:
    """A table of medians with IQR and each row's ratio to ``reference``; ``targets`` maps a row to
    (maximum ratio, what it says), printed as OK or MISSED."""
    print(f"\n{title}")
    width = max(len(name) for name in results) + 2
    ratio_width = max(12, len(reference) + 6)
    print(f"{'':<{width}}{'median ms':>10} {'IQR ms':>15} {'vs ' + reference:>{ratio_width}}")
    base = results[reference][0]
    for name, (median, q1, q3) in results.items():
        spread = f"{q1:.3f}-{q3:.3f}"
        line = f"{name:<{width}}{median:>10.3f} {spread:>15} {median / base:>{ratio_width - 1}.2f}x"
        if targets and name in targets:
            limit, what = targets[name]
            line += f"   target {what}: {'OK' if median / base <= limit else 'MISSED'}"
        print(line)


def machine() -> str:
    """nproc, CPU model and load average, for the record."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    return f"{os.cpu_count()} CPUs ({model}), load average {load}, Python {sys.version.split()[0]}"


# ------------------------------------------------------------------ page weight

def asset_weight(files) -> tuple[int, int]:
    raw = b"".join(Path(f).read_bytes() for f in files)
    return len(raw), len(gzip.compress(raw, 9))


def gz_size(text: str) -> int:
    return len(gzip.compress(text.encode(), 9))


def print_page_weight(ours: list[Path], peer: list[Path] | None, peer_name: str, install: str) -> None:
    """Gzipped learner JS+CSS of our block against the budget and, when installed, the peer's."""
    raw, gz = asset_weight(ours)
    print(f"\nlearner JS+CSS: {raw} B raw, {gz} B gzip -9 (target <= {TARGET_GZ} B): "
          f"{'OK' if gz <= TARGET_GZ else 'OVER TARGET'}")
    if peer:
        peer_raw, peer_gz = asset_weight(peer)
        print(f"peer {peer_name} learner JS+CSS ({len(peer)} files): {peer_raw} B raw, {peer_gz} B gzip -9 "
              f"-> ours is {peer_gz / gz:.1f}x smaller")
    else:
        print(f"peer {peer_name} not installed: pip install {install} to compare in the same run")
