"""CMS settings of the platform suite: the shared harness's (cms.envs.test, an in-process mongomock, fixed
database names, no webpack bundles)."""
from platform_check_cms import *  # noqa: F401,F403  the shared harness: ../shared/platform-check
