"""Feedback screens: `citizen` (sending, tracking, public answers), `staff` (the handling queue).
The people's situation for analysts is insights' (insights/situation_views.py)."""
