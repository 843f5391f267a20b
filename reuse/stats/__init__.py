"""Monthly figures of a territory and of an actor: the one place they are computed."""

from reuse.stats.figures import Figures
from reuse.stats.months import Month, month_range
from reuse.stats.service import ActorMonth, Report, actor_impact, territory_report

__all__ = [
    "ActorMonth",
    "Figures",
    "Month",
    "Report",
    "actor_impact",
    "month_range",
    "territory_report",
]
