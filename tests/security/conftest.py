"""Fixtures the security tests share with the apps' tests: the personas and citizens, real
units of the 2025 tree, the established pages and the campaign tree."""

from tests.campaigns.conftest import central_approver as central_approver
from tests.campaigns.conftest import tree as tree
from tests.feedback.conftest import people as people
from tests.feedback.conftest import units as units
from tests.moderation.conftest import run_after_commit as run_after_commit
from tests.posts.conftest import commune_approver as commune_approver
from tests.posts.conftest import pages as pages
from tests.posts.conftest import regulation as regulation
