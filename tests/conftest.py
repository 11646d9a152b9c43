"""Shared test configuration: Hypothesis profiles, and the depth of the ledger state machines.

* ``dev`` (the default on a developer machine): few examples, fast feedback.
* ``ci-reskontro`` (when the ``CI`` environment variable is set): what CI runs
  on every submission. Not derandomized: ``.ci/run`` draws a new seed for every
  run and prints it, so each run explores new histories, and a failure is
  repeated with ``pytest --hypothesis-seed=<seed>`` (Hypothesis also prints the
  failing example and a ``@reproduce_failure`` blob). The two ledger state
  machines run at least 100 000 steps in all (see :data:`STATEFUL`); the
  summary at the end of the run counts them.
* ``thorough``: a long local hunt, ten times CI's depth or more.

``HYPOTHESIS_PROFILE=<name>`` picks a profile explicitly, e.g. ``ci-reskontro``
locally to reproduce a CI run.

Ledger tests build and replay many ledgers per example, so deadlines are off
and the too-slow health check is suppressed in every profile.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, settings

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "dev",
    max_examples=30,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.register_profile(
    "ci-reskontro",
    parent=settings.get_profile("ci"),
    derandomize=False,
    database=None,
    print_blob=True,
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    stateful_step_count=100,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or (
    "ci-reskontro" if "CI" in os.environ else "dev"
)
settings.load_profile(PROFILE)

#: Runs (examples) of each ledger state machine per profile; each run takes up
#: to the profile's ``stateful_step_count`` steps. In CI: 2 100 + 1 300 runs of up
#: to 50 steps, which the step counter below shows to be over 100 000 steps.
STATEFUL: dict[str, dict[str, int]] = {
    "dev": {"LedgerMachine": 30, "SettlingLedgerMachine": 20},
    "ci-reskontro": {"LedgerMachine": 2100, "SettlingLedgerMachine": 1300},
    "thorough": {"LedgerMachine": 10_000, "SettlingLedgerMachine": 5_000},
}

#: Steps and runs the state machines took in this session, by machine.
STEPS: Counter[str] = Counter()
RUNS: Counter[str] = Counter()


def stateful_settings(machine: str) -> settings:
    """The settings of one ledger state machine under the loaded profile."""
    runs = STATEFUL.get(PROFILE, STATEFUL["dev"])[machine]
    return settings(settings.default, max_examples=runs)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how deep the state machines went, so a CI log shows it."""
    if not RUNS:
        return
    # invariants are checked once after the start of a run and once after every step
    steps = {name: STEPS[name] - RUNS[name] for name in RUNS}
    parts = [f"{name}: {steps[name]:,} steps in {RUNS[name]:,} runs" for name in sorted(RUNS)]
    terminalreporter.write_line(
        f"ledger state machines (profile {PROFILE}): " + "; ".join(parts)
        + f"; {sum(steps.values()):,} steps in all"
    )
