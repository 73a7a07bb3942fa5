"""warm_referral_conformance: the conformance kit of the warm referral protocol.

It checks an implementation (a municipality's receiver, role ``ontvanger``, or a creditor's
sender, role ``verwijzer``) against the requirement catalogue ``spec/v1/eisen.yaml`` and reports
per requirement: passed, failed, not run or waived. The library ``warm_referral`` is its oracle:
it builds the messages and computes what the answers must be. Run it with
``warm-referral conformance run``.
"""

__version__ = "0.1.0"
