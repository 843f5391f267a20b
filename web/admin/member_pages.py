"""The admin's pages for who takes part: reuse actors (with what they accept) and users (with
their roles). Every change goes through an administration use case."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms import SelectChoice

from reuse.domain.vocabulary import Role
from reuse.services.access import Grant
from reuse.services.actors import get_actor, list_actors, page_of_actors
from reuse.services.administration_actors import (
    Acceptances,
    ActorDraft,
    create_actor,
    update_actor,
)
from reuse.services.administration_users import (
    UserDraft,
    UserFilters,
    create_user,
    get_user,
    page_of_users,
    update_user,
)
from reuse.services.taxonomy import list_categories
from reuse.services.territory_directory import list_sites, list_territories
from web.admin.forms import ROLE, ActorForm, RoleFields, UserForm, UserSearchForm
from web.admin.pages import acting, saved, status
from web.auth.guard import protect
from web.auth.session import forget_trusted_tokens

ACCEPTS = "accepte:"
ACTORS_PER_PAGE = 50
USERS_PER_PAGE = 50

bp = Blueprint("admin_members", __name__, url_prefix="/admin")
protect(bp, Role.ADMIN)


@bp.route("/acteurs")
def actors() -> ResponseReturnValue:
    """Every reuse actor, active or not, by name, a page at a time."""
    page = max(request.args.get("page", 1, type=int), 1)
    found, total = page_of_actors(**acting(), page=page, per_page=ACTORS_PER_PAGE)
    return render_template("admin/actors.html", actors=found, total=total, page=page,
                           per_page=ACTORS_PER_PAGE)  # fmt: skip


def accepted() -> Acceptances:
    """What the actor accepts, from the checkboxes `accepte:<subcategory>` of each condition."""
    return tuple(
        (name.removeprefix(ACCEPTS), tuple(request.form.getlist(name)))
        for name in request.form
        if name.startswith(ACCEPTS)
    )


def actor_page(form: ActorForm, accepts: Acceptances, **values: Any) -> ResponseReturnValue:
    """The actor form with the taxonomy to tick what it accepts."""
    ticked = {slug: set(conditions) for slug, conditions in accepts}
    return render_template("admin/actor.html", form=form, ticked=ticked,
                           categories=list_categories(**acting()), **values), status(form)  # fmt: skip


@bp.route("/acteurs/nouveau", methods=["GET", "POST"])
def new_actor() -> ResponseReturnValue:
    """Add a reuse actor with what it accepts, its reach, capacity and collection days."""
    form = ActorForm()
    if saved(
        form,
        lambda: create_actor(
            **acting(),
            draft=ActorDraft(slug=form.slug.data, **form.values(accepted())),
        ),
        _("The actor is added."),
    ):
        return redirect(url_for(".actors"))
    return actor_page(form, accepted())


@bp.route("/acteurs/<int:actor_id>", methods=["GET", "POST"])
def actor(actor_id: int) -> ResponseReturnValue:
    """Change an actor; what it accepts is replaced by the ticked boxes."""
    current = get_actor(**acting(), actor_id=actor_id)
    form = ActorForm(obj=current)
    del form.slug
    if saved(
        form,
        lambda: update_actor(
            **acting(),
            actor_id=actor_id,
            changes=form.values(accepted()),
        ),
        _("The actor is changed."),
    ):
        return redirect(url_for(".actors"))
    accepts = accepted() if request.method == "POST" else tuple(
        (a.subcategory, a.conditions) for a in current.accepts)  # fmt: skip
    return actor_page(form, accepts, actor=current)


def role_choices(form: RoleFields) -> None:
    """Offer every territory, site and actor to give a role on."""
    territories = list_territories(**acting())
    none = [SelectChoice(0, _("— none —"))]
    form.territory_id.choices = none + [SelectChoice(t.id, t.name) for t in territories]
    form.site_id.choices = none + [
        SelectChoice(s.id, s.name, optgroup=t.name)
        for t in territories
        for s in list_sites(**acting(), territory_id=t.id)
    ]
    form.actor_id.choices = none + [SelectChoice(a.id, a.name) for a in list_actors(**acting())]


def place_names(form: RoleFields) -> dict[str, dict[Any, str]]:
    """Names of the roles and, from the form's choices, of territories, sites and actors by id,
    to show what each role applies to."""

    def names(choices: Any) -> dict[Any, str]:
        return {choice.value: choice.label for choice in choices if choice.value}

    return {"territory_names": names(form.territory_id.choices),
            "site_names": names(form.site_id.choices),
            "actor_names": names(form.actor_id.choices),
            "role_names": {role: str(name) for role, name in ROLE.items()}}  # fmt: skip


def new_grant(form: RoleFields) -> tuple[Grant, ...]:
    """The role the form gives, if one is chosen."""
    if not form.role.data:
        return ()
    ids = (form.territory_id.data, form.site_id.data, form.actor_id.data)
    return (Grant(form.role.data, *(i or None for i in ids)),)


@bp.route("/utilisateurs", methods=["GET", "POST"])
def users() -> ResponseReturnValue:
    """The users that match the search, a page at a time, and a form to add one."""
    form = UserForm()
    role_choices(form)
    del form.active
    if saved(
        form,
        lambda: create_user(
            **acting(),
            draft=(UserDraft(form.email.data, form.display_name.data, new_grant(form))),
            password=form.password.data or "",
        ),
        _("The user is added."),
    ):
        return redirect(url_for(".users"))
    search = UserSearchForm(request.args)
    filters = UserFilters(search=search.q.data or "", role=search.role.data or None)
    page = max(request.args.get("page", 1, type=int), 1)
    found, total = page_of_users(**acting(), filters=filters, page=page, per_page=USERS_PER_PAGE)
    args = {name: value for name, value in (("q", filters.search), ("role", filters.role)) if value}
    return render_template("admin/users.html", form=form, search=search, users=found,
                           total=total, page=page, per_page=USERS_PER_PAGE, args=args,
                           **place_names(form)), status(form)  # fmt: skip


@bp.route("/utilisateurs/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int) -> ResponseReturnValue:
    """Change a user's name, roles (kept ones plus a new one) or active flag."""
    current = get_user(**acting(), user_id=user_id)
    form = UserForm(obj=current)
    role_choices(form)
    del form.email, form.password
    kept = [current.memberships[int(i)] for i in request.form.getlist("garder")
            if i.isdigit() and int(i) < len(current.memberships)]  # fmt: skip
    if saved(
        form,
        lambda: update_user(
            **acting(),
            user_id=user_id,
            changes=(
                {
                    "display_name": form.display_name.data,
                    "active": form.active.data,
                    "memberships": (*kept, *new_grant(form)),
                }
            ),
        ),
        _("The user is changed."),
    ):
        forget_trusted_tokens()
        return redirect(url_for(".users"))
    page = render_template("admin/user.html", form=form, user=current, **place_names(form))
    return page, status(form)
