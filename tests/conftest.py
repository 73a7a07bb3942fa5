"""Suite-wide test settings.

Hypothesis' per-example deadline is a timing assertion, and timing assertions flake on a shared,
noisy machine (and in CI): it is off. Speed is checked by the scripts in bench/, never by tests.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "warm_referral", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("warm_referral")
