"""The pages of tests/posts (Kinh Bắc, Bắc Ninh, Hà Nội) for the public-site cache tests."""

from tests.posts.conftest import pages, regulation  # noqa: F401 (fixtures)
