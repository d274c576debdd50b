"""What every benchmark shares: Django set up as in the tests, a quiet ToyRuntime, timing, page weight."""

from __future__ import annotations

import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from webob import Request  # noqa: E402
from xblock.runtime import NullI18nService  # noqa: E402
from xblock.test.toy_runtime import ToyRuntime  # noqa: E402

TARGET_GZ = 12288  # learner JS+CSS budget per block, gzip -9


def toy_runtime(user: str) -> ToyRuntime:
    runtime = ToyRuntime(user)
    runtime._services["i18n"] = NullI18nService()
    return runtime


def timed(func, repeat: int) -> float:
    """Median wall time of ``func`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def call(runtime, block, handler, payload):
    if hasattr(block, "action_seq") and "seq" not in payload:  # our blocks: echo the token, as the page does
        payload = {**payload, "seq": block.action_seq}
    request = Request.blank("/", method="POST", body=json.dumps(payload).encode())
    response = runtime.handle(block, handler, request)
    assert response.status_int == 200, response.body
    return response


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
