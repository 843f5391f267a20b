"""The recycler's notification settings: e-mail or daily digest, categories, webhook and its log."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms import SelectChoice

from reuse.domain.errors import Conflict, ValidationFailed
from reuse.domain.vocabulary import Role
from reuse.services.notification_settings import (
    SettingsChange,
    SettingsView,
    change_notification_settings,
    notification_settings,
    send_test_delivery,
    webhook_log,
)
from reuse.services.recycler_board import category_choices
from web.auth.guard import protect
from web.auth.session import me
from web.context import runtime
from web.pages.messages import attach_errors
from web.recycler.actor_choice import ActorChoice, chosen_actor
from web.recycler.forms import DeliveryTestForm, NotificationForm, WebhookForm

bp = Blueprint("recycler_settings", __name__, url_prefix="/recycleur/notifications")
protect(bp, Role.RECYCLER)
LOGGED = 20


def current() -> tuple[ActorChoice, SettingsView]:
    """The actor of the page and its settings as they stand."""
    choice = chosen_actor()
    settings = notification_settings(runtime().reading(), by=me().acting, actor_id=choice.actor.id)
    return choice, settings


def unchanged(view: SettingsView) -> SettingsChange:
    """A change that keeps every setting as it is (the forms replace their own part)."""
    return SettingsChange(view.mode, view.categories_of_interest, view.email, view.webhook_url)


@bp.route("/", methods=["GET", "POST"])
def notifications() -> ResponseReturnValue:
    """How I hear about offers: address, at once or in a daily digest, which categories."""
    choice, settings = current()
    form = notification_form(settings)
    if form.validate_on_submit():
        change = replace(unchanged(settings), mode=form.mode.data,
                         categories_of_interest=list(form.categories_of_interest.data or []),
                         email=(form.email.data or "").strip().lower() or None)  # fmt: skip
        try:
            change_notification_settings(runtime().uow(), by=me().acting,
                                         actor_id=choice.actor.id, change=change)  # fmt: skip
        except ValidationFailed as refusal:
            attach_errors(form, refusal)
        else:
            flash(_("Your notification settings are saved."), "success")
            return redirect(url_for(".notifications", **choice.args))
    return page(choice, settings, form=form)


def notification_form(settings: SettingsView, **kwargs: object) -> NotificationForm:
    """The notification form filled with the settings, offering the object categories."""
    form = NotificationForm(**kwargs, data={
        "email": settings.email, "mode": settings.mode,
        "categories_of_interest": settings.categories_of_interest,
    })  # fmt: skip
    form.categories_of_interest.choices = [
        SelectChoice(slug, name) for slug, name in category_choices(runtime().uow())
    ]
    return form


def page(choice: ActorChoice, settings: SettingsView, **forms: object) -> ResponseReturnValue:
    """The settings page with its three forms and the delivery log."""
    shown = {"webhook_form": WebhookForm(formdata=None, data={"url": settings.webhook_url}),
             "test_form": DeliveryTestForm()} | forms  # fmt: skip
    if "form" not in shown:
        shown["form"] = notification_form(settings, formdata=None)
    log, _total = webhook_log(runtime().reading(), by=me().acting, actor_id=choice.actor.id,
                              per_page=LOGGED)  # fmt: skip
    status = 422 if any(getattr(f, "errors", None) for f in forms.values()) else 200
    return render_template("recycler/notifications.html", choice=choice, settings=settings,
                           deliveries=log, **shown), status  # fmt: skip


@bp.route("/webhook", methods=["POST"])
def webhook() -> ResponseReturnValue:
    """Set or clear the webhook address; a new signing secret is shown this once."""
    choice, settings = current()
    form = WebhookForm()
    if form.validate_on_submit():
        change = replace(unchanged(settings), webhook_url=form.url.data or None,
                         rotate_secret=bool(form.new_secret.data))  # fmt: skip
        try:
            saved = change_notification_settings(runtime().uow(), by=me().acting,
                                                 actor_id=choice.actor.id, change=change)  # fmt: skip
        except ValidationFailed as refusal:
            attach_errors(form, refusal)
        else:
            if saved.webhook_secret:  # shown on this answer only, never stored in a cookie
                return page(choice, saved, secret=saved.webhook_secret)
            flash(_("The webhook is saved.") if saved.webhook_url else
                  _("The webhook is turned off."), "success")  # fmt: skip
            return redirect(url_for(".notifications", **choice.args))
    return page(choice, settings, webhook_form=form)


@bp.route("/webhook/essai", methods=["POST"])
def test_delivery() -> ResponseReturnValue:
    """Post a signed test event to my webhook now; the answer goes to the delivery log."""
    choice, _settings = current()
    if DeliveryTestForm().validate_on_submit():
        try:
            sent = send_test_delivery(runtime().uow(), by=me().acting, actor_id=choice.actor.id,
                                      post=runtime().webhook_post)  # fmt: skip
        except Conflict:
            flash(_("Save a webhook address first."), "error")
        else:
            flash(_("The test event was delivered.") if sent.succeeded else
                  _("The test event was not delivered: see the delivery log."),
                  "success" if sent.succeeded else "error")  # fmt: skip
    return redirect(url_for(".notifications", **choice.args))
