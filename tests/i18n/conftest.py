# The lifecycle world of the standards tests: one user per role, and a helper
# that takes a draft to any state through the services.
from tests.standards.conftest import lifecycle, world  # noqa: F401
