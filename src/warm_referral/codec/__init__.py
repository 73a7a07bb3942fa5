"""Turning bytes into messages and back: the JSON codec (:mod:`.json_codec`) and the XML codec
(:mod:`.xml`) side by side, and :mod:`.detect` to tell them apart.

The models import no codec: ``Bericht.to_json`` is pydantic's own serialisation, everything else
(parsing either form, writing XML) is a function here. Importing this package loads nothing heavy.
"""
