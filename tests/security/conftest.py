"""The fixtures the security tests share with the posts and campaigns tests."""

from tests.campaigns.conftest import central_approver as central_approver
from tests.campaigns.conftest import tree as tree
from tests.posts.conftest import commune_approver as commune_approver
from tests.posts.conftest import pages as pages
from tests.posts.conftest import regulation as regulation
