"""Shared test configuration: Hypothesis profiles.

* ``dev`` (the default on a developer machine): few examples, fast feedback.
* ``ci-reskontro`` (when the ``CI`` environment variable is set): extends
  Hypothesis' built-in ``ci`` profile (derandomized, no example database,
  blobs printed for reproduction) with settings every ledger test needs.

``HYPOTHESIS_PROFILE=<name>`` picks a profile explicitly, e.g. ``ci-reskontro``
locally to reproduce a CI run, or ``thorough`` for a long hunt.

Ledger tests build and replay many ledgers per example, so deadlines are off
and the too-slow health check is suppressed in every profile.
"""

from __future__ import annotations

import os

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
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
)

settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci-reskontro" if "CI" in os.environ else "dev")
)
