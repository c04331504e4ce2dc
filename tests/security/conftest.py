"""Security tests use the pages and regulation of tests/posts (Bắc Ninh, Kinh Bắc, Hà Nội)."""

from tests.posts.conftest import pages, regulation  # noqa: F401 (fixtures)
