"""Helpers for testing code that uses warm_referral (needs the ``testing`` extra: hypothesis)."""
