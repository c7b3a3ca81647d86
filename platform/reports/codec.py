"""JSON that gives back what it was given: Decimal and dates survive the round trip.

The dashboard's snapshots store Sections as JSON. Plain JSON would turn a Decimal sum of
money into a string (which Fact.change then takes for text) or a float; tagging them keeps
a snapshot's page identical to a freshly computed one.
"""

import json
from datetime import date, datetime
from decimal import Decimal

TAG = "$type"


class Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return {TAG: "decimal", "v": str(o)}
        if isinstance(o, datetime):
            return {TAG: "datetime", "v": o.isoformat()}
        if isinstance(o, date):
            return {TAG: "date", "v": o.isoformat()}
        return super().default(o)


def _decode(obj: dict):
    kind = obj.get(TAG)
    if kind is None or set(obj) != {TAG, "v"}:
        return obj
    if kind == "decimal":
        return Decimal(obj["v"])
    if kind == "datetime":
        return datetime.fromisoformat(obj["v"])
    if kind == "date":
        return date.fromisoformat(obj["v"])
    return obj


class Decoder(json.JSONDecoder):
    def __init__(self, *args, **kwargs):
        kwargs["object_hook"] = _decode
        super().__init__(*args, **kwargs)
