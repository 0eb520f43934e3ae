from tests.standards.conftest import lifecycle, no_pdf_renders, world  # noqa: F401
