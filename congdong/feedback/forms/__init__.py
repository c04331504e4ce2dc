"""Forms of the feedback screens: citizens' (citizen.py) and staff's (staff.py)."""
