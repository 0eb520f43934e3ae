from django.urls import NoReverseMatch, reverse


def standard_url(pk: int) -> str:
    """The public page of a standard (standards:detail)."""
    try:
        return reverse("standards:detail", kwargs={"pk": pk})
    except NoReverseMatch:
        # The standards app names its page; until it does, its address is known.
        return f"/standards/{pk}/"
