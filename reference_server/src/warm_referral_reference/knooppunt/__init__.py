"""The reference knooppunt: a store-and-forward router with a mailbox per participant.

It implements the intermediary profile (``docs/knooppunt.md``, WD-KNP): participants deliver
sealed envelopes (:mod:`warm_referral.knooppunt`), list and fetch the ones in their own mailbox, and
confirm them; what nobody confirms expires after the profile's werkdagen. It routes by the
envelope only and never holds a key: it cannot read what it carries. HTTP (:mod:`.http`, REST and
SOAP) over the use cases (:mod:`.domein`) over SQLite (:mod:`.opslag`), as the receiver is built,
and with the receiver's authentication, problem details and test clock.
"""
