"""The numbers a publication or a certification gives: one counter per
prefix and year, locked until the transaction ends."""

from django.conf import settings

from ..models import NumberCounter


def _next_number(kind: str, year: int) -> int:
    """The next number of a counter, locked until the transaction ends, so
    two publications at once get distinct numbers without gaps."""
    prefix = (
        settings.STANDARD_NUMBER_PREFIX
        if kind == "standard"
        else f"{settings.STANDARD_NUMBER_PREFIX}-{kind}"
    )[:20]
    NumberCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = NumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
