"""Feedback screens: `citizen` (sending, tracking, public answers), `staff` (the handling queue),
`situation` (the people's situation for analysts)."""
