"""Settings for the real worker the fault tests start: the test settings with small batches, so a SIGKILL lands
between commits of one sweep, and sweeps every second."""

from zhicheng.settings.test import *  # noqa: F403
from zhicheng.settings.test import ZHICHENG

ZHICHENG = {**ZHICHENG, "TIMER_BATCH_SIZE": 10, "TIMER_CLOSE_CHUNK": 25}
TIMER_SWEEP_SECONDS = 1
CELERY_BEAT_SCHEDULE = {
    "sweep-due-deadlines": {"task": "operations.tasks.timers_sweep_task", "schedule": TIMER_SWEEP_SECONDS},
}
