"""Feedback in the JSON API: citizens send and follow their items, staff handle them, analysts
read the people's situation. Every call goes through `actions` and the `access_*` helpers."""

from ninja import Router

router = Router(tags=["feedback"])

# --- citizens --------------------------------------------------------------------------------

# --- staff -----------------------------------------------------------------------------------

# --- analysts: the people's situation --------------------------------------------------------
