"""Vietnamese formats: Django's, plus digit grouping (12.414), which Django's leave off."""

from django.conf.locale.vi.formats import *  # noqa: F403

NUMBER_GROUPING = 3
