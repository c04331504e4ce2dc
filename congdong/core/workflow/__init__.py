"""One workflow mechanism for every app: a state graph checked when declared, with its
deadlines (`graph`), one abstract transition model (`models`), one `move()` (`move`) and one
overdue sweep driven by the graphs' deadlines (`sweep`). See docs/architecture.md."""
