"""The campaign targets' part of the one overdue sweep (congdong.core.workflow.sweep): a
target still pending when its campaign's deadline passes becomes overdue (the worker's move in
TARGET_STATES), and `overdue_at` keeps when. Only campaigns still launched: a closed one asks
for nothing more. The row is the truth: each target is claimed by a conditional UPDATE, so a
rerun, a late run or two workers never mark one twice."""

from __future__ import annotations

from django.db.models import Q

from congdong.campaigns.models import (
    TARGET_STATES,
    CampaignStatus,
    CampaignTarget,
    TargetStatus,
)
from congdong.core.workflow.sweep import Overdue, register

# A campaign reaches every page below a province: its targets are marked in one run.
BATCH = 100_000

OVERDUE = register(
    Overdue(
        "campaign-targets",
        CampaignTarget,
        TARGET_STATES,
        where=Q(campaign__status=CampaignStatus.LAUNCHED),
        move_to=TargetStatus.OVERDUE,
        batch=BATCH,
    )
)
