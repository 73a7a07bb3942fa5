"""Reference receiver and sender services for the warm referral protocol (not part of the library)."""

__version__ = "0.1.0"
