"""Usernames are compared as Django's login form compares them: NFKC-normalised
(so fullwidth ``ｍｅｍｂｅｒ`` is ``member``), everywhere a username comes in."""

from django.contrib.auth import get_user_model


def normalize_username(value: str) -> str:
    return get_user_model().normalize_username(value)


def axes_username(request, credentials: dict | None) -> str | None:
    """The username django-axes counts failures under (AXES_USERNAME_CALLABLE)."""
    field = get_user_model().USERNAME_FIELD
    if credentials is not None and field in credentials:
        value = credentials[field]
    else:
        value = request.POST.get(field)
    return normalize_username(value) if isinstance(value, str) else value
