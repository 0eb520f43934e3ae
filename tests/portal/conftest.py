from tests.standards.conftest import Lifecycle, World, lifecycle, world  # noqa: F401
