"""Reference services for the warm referral protocol, on the library (not part of it).

- :mod:`.receiver`: the municipality's service (HTTP over a domain layer over storage);
- :mod:`.sender`: the creditor's sender (durable outbox, exactly-once delivery, postvak);
- :mod:`.demo`: the whole chain in one command;
- :mod:`.deelnemers`: the participants both sides know (the development set).

The receiver and the sender do not import each other (an import-linter contract); they meet only
over HTTP, as a vendor's implementation of either side would.
"""

__version__ = "0.1.0"
