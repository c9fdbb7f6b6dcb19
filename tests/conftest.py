import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "default", deadline=None, max_examples=25, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "thorough", deadline=None, max_examples=300,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(  # for debugging: report failures without slow shrinking
    "noshrink", deadline=None, max_examples=25, derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(  # a deeper search without slow shrinking
    "deep", deadline=None, max_examples=150,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


import glob  # noqa: E402
from functools import cache  # noqa: E402

import pytest  # noqa: E402

SHIPPED = sorted(glob.glob("scenarios/*.yaml"))


@cache
def analysed(path: str):
    """The analysis of a scenario file, computed once per test session."""
    import negotiation as ng
    return ng.analyse(ng.load_scenario(path))


@pytest.fixture(scope="session")
def shipped_reports():
    return {path: analysed(path) for path in SHIPPED}
