"""Fixtures of the security suite: those of the API and lifecycle tests."""

from tests.api.conftest import _fresh_cache, api, as_user  # noqa: F401
from tests.standards.conftest import lifecycle, no_pdf_renders, world  # noqa: F401
