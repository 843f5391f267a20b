"""The French text of what actors and agents are told: pure functions over plain values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from reuse.domain.french import PARIS, french_date, french_kg, french_moment, french_number


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str


@dataclass(frozen=True)
class LotFacts:
    """What a message says about a lot."""

    lot_id: int
    subcategory_label: str
    category_label: str
    kg: Decimal
    site_name: str
    commune_name: str
    deadline: datetime
    description: str = ""
    rep_filiere: str = ""


def offer_notice(lot: LotFacts, distance_km: Decimal, reasons: Sequence[str]) -> Notice:
    """Tell an actor that a lot is proposed to it, and why."""
    subject = f"Proposition : {lot.subcategory_label}, {french_kg(lot.kg)} à {lot.site_name}"
    lines = [
        "Bonjour,",
        "",
        "Un lot vous est proposé :",
        *_lot_lines(lot),
        f"Distance : {french_number(distance_km, 1)} km",
        "",
        "Pourquoi vous :",
        *(f"- {reason}" for reason in reasons),
        "",
        "Réservez-le (en tout ou en partie) depuis vos propositions sur reuse.",
    ]
    return Notice(subject, "\n".join(lines))


def unmatched_notice(lot: LotFacts) -> Notice:
    """Tell an agent that no reuse actor can take a lot, so it must go to recycling in time."""
    subject = f"Aucun preneur : {lot.subcategory_label}, {french_kg(lot.kg)} à {lot.site_name}"
    route = f" (filière {lot.rep_filiere})" if lot.rep_filiere else ""
    lines = [
        "Bonjour,",
        "",
        "Aucun acteur du réemploi ne peut prendre ce lot :",
        *_lot_lines(lot),
        "",
        f"Merci de l'orienter vers la benne de recyclage adaptée{route}"
        f" avant le {french_moment(lot.deadline)}.",
    ]
    return Notice(subject, "\n".join(lines))


def digest_notice(actor_name: str, subjects: Sequence[str], day: datetime) -> Notice:
    """One daily e-mail listing an actor's new notifications."""
    count = len(subjects)
    plural = "s" if count > 1 else ""
    subject = (
        f"Récapitulatif du {french_date(day.astimezone(PARIS).date())} : {count} nouveauté{plural}"
    )
    lines = [
        f"Bonjour {actor_name},",
        "",
        f"Voici {count} notification{plural} reçue{plural} depuis le dernier récapitulatif :",
        *(f"- {line}" for line in subjects),
        "",
        "Retrouvez le détail de chaque proposition sur reuse.",
    ]
    return Notice(subject, "\n".join(lines))


@dataclass(frozen=True)
class PickupFacts:
    """What a message says about one booked pickup."""

    lot_id: int
    actor_name: str
    subcategory_label: str
    kg: Decimal
    site_name: str
    commune_name: str
    pickup_at: datetime


def pickup_reminder_notice(pickup: PickupFacts) -> Notice:
    """Remind an actor of the pickup it booked, the day before."""
    subject = f"Rappel : enlèvement le {french_moment(pickup.pickup_at)} à {pickup.site_name}"
    lines = [
        f"Bonjour {pickup.actor_name},",
        "",
        f"Vous avez réservé un enlèvement le {french_moment(pickup.pickup_at)} :",
        f"- Lieu : {pickup.site_name} ({pickup.commune_name})",
        f"- Objet : {pickup.subcategory_label}, {french_kg(pickup.kg)} réservés",
        f"- Lot n° {pickup.lot_id}",
        "",
        "Si vous ne pouvez pas venir, libérez la réservation sur reuse :",
        "le lot sera proposé à d'autres structures.",
    ]
    return Notice(subject, "\n".join(lines))


def day_pickups_notice(site_name: str, day: date, pickups: Sequence[PickupFacts]) -> Notice:
    """Tell a site's agent who comes when on `day`, in the order of arrival."""
    count = len(pickups)
    plural = "s" if count > 1 else ""
    subject = f"{count} enlèvement{plural} le {french_date(day)} à {site_name}"
    lines = [
        "Bonjour,",
        "",
        f"Qui vient quand le {french_date(day)} à {site_name} :",
        *(_arrival_line(pickup) for pickup in pickups),
        "",
        "Si une structure ne vient pas, signalez l'absence sur reuse : le lot sera reproposé.",
    ]
    return Notice(subject, "\n".join(lines))


def _arrival_line(pickup: PickupFacts) -> str:
    local = pickup.pickup_at.astimezone(PARIS)
    return (
        f"- {local:%H} h {local:%M} : {pickup.actor_name}, {pickup.subcategory_label}, "
        f"{french_kg(pickup.kg)} (lot n° {pickup.lot_id})"
    )


def webhook_disabled_notice(actor_name: str, url: str, failures: int) -> Notice:
    """Tell an actor that its webhook was switched off after repeated failures."""
    subject = "Webhook désactivé après des échecs répétés"
    lines = [
        f"Bonjour {actor_name},",
        "",
        f"Votre webhook {url} n'a pas répondu correctement {failures} fois de suite :",
        "nous l'avons désactivé. Les propositions restent visibles sur reuse et par e-mail.",
        "",
        "Corrigez l'adresse ou le service, puis réactivez le webhook dans vos réglages.",
    ]
    return Notice(subject, "\n".join(lines))


def _lot_lines(lot: LotFacts) -> list[str]:
    lines = [
        f"- Objet : {lot.subcategory_label} ({lot.category_label})",
        f"- Poids : {french_kg(lot.kg)}",
        f"- Lieu : {lot.site_name} ({lot.commune_name})",
        f"- À enlever avant le {french_moment(lot.deadline)}",
        f"- Lot n° {lot.lot_id}",
    ]
    if lot.description:
        lines.append(f"- Description : {lot.description}")
    return lines
