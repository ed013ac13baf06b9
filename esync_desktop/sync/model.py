"""Re-export of domain.plan: the plan's vocabulary lives in domain/ so storage/ need not import
sync/. Kept so modules and branches that import from sync.model keep working; new code imports
from esync_desktop.domain.plan."""

from esync_desktop.domain.plan import (
    ACTION_IDS,
    CATALOGUE_ACTION_IDS,
    ORDER_REASONS,
    ActionPlan,
    Outcome,
    PlanRow,
    Reason,
    TaskPlan,
)

__all__ = [
    "ACTION_IDS",
    "CATALOGUE_ACTION_IDS",
    "ORDER_REASONS",
    "ActionPlan",
    "Outcome",
    "PlanRow",
    "Reason",
    "TaskPlan",
]
