"""The recycler's impact: kilograms received and reused, CO2e avoided, month by month."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from reuse.domain.vocabulary import Role
from reuse.services.actor_impact import impact_of_actor
from reuse.stats import ActorMonth, Month
from web.auth.guard import protect
from web.auth.session import me
from web.context import runtime
from web.pages.charts import BarChart, Series, stacked_bars
from web.recycler.actor_choice import chosen_actor

IMPACT_MONTHS = 12

bp = Blueprint("recycler_impact", __name__, url_prefix="/recycleur/impact")
protect(bp, Role.RECYCLER)


@bp.route("")
def impact() -> ResponseReturnValue:
    """My last twelve months: kilograms received and reused, CO2e avoided, collections."""
    choice = chosen_actor()
    last = Month.of(datetime.now(UTC))
    months = impact_of_actor(runtime().reading(), by=me().acting, actor_id=choice.actor.id,
                             first=last.shifted(1 - IMPACT_MONTHS), last=last)  # fmt: skip
    days = [date.fromisoformat(f"{m.month}-01") for m in months]
    return render_template("recycler/impact.html", choice=choice, actor=choice.actor,
                           months=months, days=days, chart=impact_chart(months))  # fmt: skip


def impact_chart(months: Sequence[ActorMonth]) -> BarChart:
    """One bar a month: the kilograms reused, topped by those received but not reused."""
    return stacked_bars([m.month for m in months], [
        Series("reused", str(_("Reused")), tuple(m.reused_kg for m in months)),
        Series("other", str(_("Received, not reused")),
               tuple(m.received_kg - m.reused_kg for m in months)),
    ])  # fmt: skip
