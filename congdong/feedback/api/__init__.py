"""Feedback in the JSON API: citizens send and follow their items, staff handle them. Every call
goes through `actions` and the `access_*` helpers. The people's situation for analysts
(`/feedback/situation/…`) is insights' (insights/situation_api.py)."""

from ninja import Router

from congdong.feedback.api import citizen, staff

router = Router(tags=["feedback"])
router.add_router("", citizen.router)
router.add_router("", staff.router)
