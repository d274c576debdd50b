"""Course tooling throughput: extraction, translated builds and validation of the shipped curriculum.

Peer: olxcleaner alone (what Studio runs) on the same tarball, so our own checks' cost is visible.
Prints medians over a few runs; one core, no cache between runs.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from free2link_xblocks import course_tools  # noqa: E402
from free2link_xblocks.core.course import OUR_BLOCK_TYPES, load_course  # noqa: E402
from free2link_xblocks.i18n import cli_translation  # noqa: E402

REPEAT = 3
T = cli_translation()


def median_seconds(func) -> float:
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def extract_units(source: Path) -> dict:
    return course_tools.course_messages(load_course(source / "course", with_html=True))


def bench_build(source: Path, out: Path) -> Path | None:
    english = None
    for language in ("en", *course_tools.COURSE_LANGUAGES):
        seconds = median_seconds(partial(course_tools.build, source, language, out, T))
        tarball = out / f"{source.name}-{language}.tar.gz"
        if not tarball.exists():
            print(f"  build {language}: not built (is the catalogue complete?)")
            continue
        english = english or tarball
        print(f"  build {language} (translate, write, validate, tar)   {seconds * 1000:7.0f} ms   "
              f"{tarball.stat().st_size / 1024:6.1f} KiB")
    return english


def bench_validate(tarball: Path) -> None:
    import olxcleaner

    ours = median_seconds(partial(course_tools.validate_course, tarball, T))
    with tempfile.TemporaryDirectory() as unpacked:
        course_tools._unpack(tarball, Path(unpacked), T)
        folder = str(Path(unpacked) / "course")
        peer = median_seconds(partial(olxcleaner.validate, folder, steps=8, allowed_xblocks=list(OUR_BLOCK_TYPES)))
    print(f"  free2link validate <tarball> (unpack, ours, olxcleaner) {ours * 1000:7.0f} ms")
    print(f"  peer: olxcleaner.validate alone, unpacked course        {peer * 1000:7.0f} ms")


def main() -> None:
    sources = course_tools.course_sources()
    if not sources:
        print("course bench: no course in courses/")
        return
    for source in sources:
        units = extract_units(source)
        print(f"course bench: {source.name}: {len(units)} text units, {sum(len(m.split()) for m in units)} words")
        print(f"  load the source and extract its units                 "
              f"{median_seconds(partial(extract_units, source)) * 1000:7.0f} ms")
        with tempfile.TemporaryDirectory() as tmp:
            english = bench_build(source, Path(tmp))
            if english:
                bench_validate(english)


if __name__ == "__main__":
    main()
