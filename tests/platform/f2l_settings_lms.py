"""LMS settings of the platform suite: the shared harness's (lms.envs.test, an in-process mongomock loaded from
the CMS import, fixed database names, no webpack bundles) plus what our checks need."""
# Instructor reports run in-process (CELERY_ALWAYS_EAGER is already on in lms.envs.test) and land here.
import os as _os

from platform_check_lms import *  # noqa: F401,F403  the shared harness: ../shared/platform-check

GRADES_DOWNLOAD = {"STORAGE_TYPE": "localfs", "BUCKET": "edx-grades",
                   "ROOT_PATH": _os.path.join(_os.environ.get("F2L_PLATFORM_RUN", "/tmp"), "grades")}
