"""SQLAlchemy models: the platform's tables."""

from reuse.models.account import ApiToken, Membership, User
from reuse.models.actor import Actor, ActorAcceptance, ActorWeek, DirectoryVersion
from reuse.models.base import Base
from reuse.models.exchange import Claim, Offer, OutcomeLine, Reception, SupersededOutcome
from reuse.models.idempotency import IdempotencyRecord
from reuse.models.lot import Lot, StatusLogEntry
from reuse.models.notification import Notification, NotificationSettings, WebhookDelivery
from reuse.models.outbox import OutboxMessage
from reuse.models.stats import LotMonth, PublishedFigures, ReceptionMonth
from reuse.models.taxonomy import Category, Co2Factor, FactorSet, Outcome, Subcategory
from reuse.models.territory import Commune, Site, Territory

__all__ = [
    "Actor",
    "ActorAcceptance",
    "ActorWeek",
    "ApiToken",
    "Base",
    "Category",
    "Claim",
    "Co2Factor",
    "Commune",
    "DirectoryVersion",
    "FactorSet",
    "IdempotencyRecord",
    "Lot",
    "LotMonth",
    "Membership",
    "Notification",
    "NotificationSettings",
    "Offer",
    "OutboxMessage",
    "Outcome",
    "OutcomeLine",
    "PublishedFigures",
    "Reception",
    "ReceptionMonth",
    "Site",
    "StatusLogEntry",
    "Subcategory",
    "SupersededOutcome",
    "Territory",
    "User",
    "WebhookDelivery",
]
