"""Feedback in the JSON API: citizens send and follow their items, staff handle them, analysts
read the people's situation. Every call goes through `actions` and the `access_*` helpers."""

from ninja import Router

from congdong.feedback.api import citizen, situation, staff

router = Router(tags=["feedback"])
router.add_router("", citizen.router)
router.add_router("", staff.router)
router.add_router("", situation.router)
