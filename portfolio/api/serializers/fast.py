"""Row output without DRF's per-field dispatch, for the big lists: the same JSON, planned once
per response (DecimalField, DateTimeField, primary keys and plain values are written directly;
any other field still goes through DRF). tests/api/test_fast_rows.py holds it to DRF's output."""

from __future__ import annotations

from decimal import Decimal
from operator import attrgetter

from django.utils import timezone
from rest_framework import fields, relations


def _decimal(field: fields.DecimalField):
    if field.decimal_places is None:
        return lambda value, tz: f"{value:f}"
    exponent = Decimal(1).scaleb(-field.decimal_places)
    return lambda value, tz: f"{value.quantize(exponent):f}"


def _datetime(value, tz) -> str:
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _plain(value, tz):
    return value


def _step(name: str, field):
    """(name, read the value, write it) for one field, or None when DRF must do it."""
    source = field.source
    if isinstance(field, relations.PrimaryKeyRelatedField) and "." not in source:
        return name, attrgetter(f"{source}_id"), _plain
    if "." in source or source == "*" or isinstance(field, fields.SerializerMethodField):
        return None
    if isinstance(field, fields.DecimalField) and getattr(field, "coerce_to_string", True):
        return name, attrgetter(source), _decimal(field)
    if isinstance(field, fields.DateTimeField) and getattr(field, "format", None) is None:
        return name, attrgetter(source), _datetime
    if isinstance(
        field,
        fields.CharField
        | fields.IntegerField
        | fields.BooleanField
        | fields.JSONField
        | fields.ChoiceField,
    ):
        return name, attrgetter(source), _plain
    return None


class FastRows:
    """Mix into a ModelSerializer (before it) whose rows are many and plain."""

    def _plan(self):
        plan = getattr(self, "_fast_plan", None)
        if plan is None:
            plan = []
            for name, field in self.fields.items():
                if field.write_only:
                    continue
                step = _step(name, field)
                plan.append(step or (name, field, None))
            self._fast_plan = plan
        return plan

    def to_representation(self, instance) -> dict:
        tz = timezone.get_current_timezone()
        out = {}
        for name, read, write in self._plan():
            if write is None:  # DRF's own path for this field
                attribute = read.get_attribute(instance)
                out[name] = None if attribute is None else read.to_representation(attribute)
                continue
            value = read(instance)
            out[name] = None if value is None else write(value, tz)
        return out
