"""Fixtures the security tests share with the apps' tests: the personas and citizens, real
units of the 2025 tree, and the established pages."""

from tests.feedback.conftest import people, units  # noqa: F401 (fixtures)
from tests.posts.conftest import pages, regulation  # noqa: F401 (fixtures)
