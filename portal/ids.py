"""Ids as the database stores them: 64-bit integers.

A number beyond that range names nothing, yet reaching the database with it
fails there (SQLite: ``OverflowError``; an ``IN`` list is not guarded by
Django). The fields and the filter here refuse it while the input is read,
with the message an unknown id gets, so the API answers 400 and a form shows
the error on its field. Every form, serializer and filter that reads an id
uses them.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers

MIN_ID = -(2**63)
MAX_ID = 2**63 - 1


def in_range(value: int) -> bool:
    return MIN_ID <= value <= MAX_ID


class IdField(serializers.IntegerField):
    """An id of the API's input; one beyond 64 bits is unknown (400)."""

    default_error_messages = {"does_not_exist": _("There is no such item: {value}.")}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not in_range(value):
            self.fail("does_not_exist", value=str(data)[:40])
        return value


class IdFormField(forms.IntegerField):
    """An integer of a query or a form within the 64-bit range."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdFilter(filters.NumberFilter):
    """``?name=<id>``: a whole number within the 64-bit range, else 400.
    (``NumberFilter`` reads a decimal, which the database cannot compare
    with an id once beyond that range.)"""

    field_class = IdFormField


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several objects chosen by id; an id beyond 64 bits is an invalid
    choice, as an unknown one is."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        if key == "pk":
            for item in value or ():
                try:
                    number = int(str(item))
                except (TypeError, ValueError):
                    continue  # Django reports it as not a valid value
                if not in_range(number):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": str(item)[:40]},
                    )
        return super()._check_values(value)
