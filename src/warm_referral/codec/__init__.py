"""Turning bytes into messages and back. JSON here; XML in :mod:`warm_referral.xml`."""
