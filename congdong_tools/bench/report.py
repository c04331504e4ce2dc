"""What every benchmark prints: a readable table, or one JSON object with `goal_met`."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass, field


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


@dataclass
class Report:
    name: str
    figures: dict[str, float | int | str] = field(default_factory=dict)
    goals: dict[str, bool] = field(default_factory=dict)
    # One dict per measured thing (a page…), shown as a table above the figures.
    rows: list[dict] = field(default_factory=list)

    @property
    def goal_met(self) -> bool:
        return bool(self.goals) and all(self.goals.values())

    def as_json(self) -> str:
        return json.dumps(
            {
                "benchmark": self.name,
                "figures": self.figures,
                "goals": self.goals,
                "goal_met": self.goal_met,
                **({"rows": self.rows} if self.rows else {}),
                "machine": machine(),
            },
            ensure_ascii=False,
        )

    def as_table(self) -> str:
        width = max(len(k) for k in [*self.figures, *(f"goal {g}" for g in self.goals)])
        lines = [f"benchmark {self.name}", *self._rows_table()]
        lines += [f"  {k:<{width}}  {v}" for k, v in self.figures.items()]
        lines += [
            f"  {'goal ' + k:<{width}}  {'met' if ok else 'NOT met'}"
            for k, ok in self.goals.items()
        ]
        lines.append(f"  {'goal_met':<{width}}  {self.goal_met}")
        return "\n".join(lines)

    def _rows_table(self) -> list[str]:
        if not self.rows:
            return []
        columns = list(self.rows[0])
        widths = {c: max(len(c), *(len(str(row.get(c, ""))) for row in self.rows)) for c in columns}
        line = "  " + "  ".join(f"{{:<{widths[c]}}}" for c in columns)
        out = [line.format(*columns)]
        out += [line.format(*(str(row.get(c, "")) for c in columns)) for row in self.rows]
        return out
