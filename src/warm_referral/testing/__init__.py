"""Helpers for testing code that uses warm_referral: Hypothesis strategies for synthetic messages
(:mod:`.strategies`, needs the ``testing`` extra: hypothesis) and a test PKI for signing
(:mod:`.pki`, needs nothing beyond the library)."""
