"""The test suite. The helper modules tests share check things with `assert` too: registered
here, before any test imports them, their failures read like a test's own (the values shown,
not a bare AssertionError)."""

import pytest

pytest.register_assert_rewrite(
    "tests.core.together",
    "tests.core.validation",
    "tests.e2e.journeys",
    "tests.insights.exported",
    "tests.insights.unit_tree",
    "tests.moderation.commune_world",
    "tests.units.around_kinh_bac",
    "tests.worlds",
)
