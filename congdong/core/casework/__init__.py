"""Deadline casework, written once: registers of cases a law gives a deadline (authority
takedown requests, personal data breaches, citizens' personal data requests) share their staff
screens' shape — a list of the cases one handles, undecided first with a countdown to each
deadline; a screen per case with its countdown, history and move forms; a form recording a new
case; the workspace's count of open and overdue cases. Each app declares its register (`Cases`,
in its `queries`) and keeps only what the law makes different: its deadline, fields and
wording. `cases`: the declaration, countdown and counts; `views`: the screens' bodies (the app
wraps them with its access decorators); `forms`: shared fields; `api`: shared schema parts.
The templates are `casework/*.html`; `{% load casework %}` has `countdown` and `case_work`."""
