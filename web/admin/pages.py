"""The admin's pages: territories and their sites, reuse actors, users and their roles,
categories and CO2e factor sets. Every change goes through an administration use case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound

from reuse.domain.errors import Conflict, FieldError, ValidationFailed
from reuse.domain.vocabulary import Role
from reuse.services.administration_places import (
    CommuneDraft,
    SiteDraft,
    TerritoryDraft,
    create_commune,
    create_site,
    create_territory,
    update_site,
    update_territory,
)
from reuse.services.administration_taxonomy import (
    add_factor_set,
    create_category,
    list_factor_sets,
    rename_category,
)
from reuse.services.taxonomy import list_categories
from reuse.services.territory_directory import (
    get_territory,
    list_communes,
    list_sites,
    list_territories,
)
from web.admin.forms import (
    CategoryForm,
    CommuneForm,
    FactorSetForm,
    RenameForm,
    SiteForm,
    TerritoryForm,
)
from web.auth.guard import protect
from web.auth.session import me
from web.context import runtime
from web.pages.messages import attach_errors
from web.pages.navigation import register_role

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")
protect(bp, Role.ADMIN)
register_role(Role.ADMIN, "admin_pages.territories", [
    ("admin_pages.territories", _l("Territories")),
    ("admin_members.actors", _l("Actors")),
    ("admin_members.users", _l("Users")),
    ("admin_pages.categories", _l("Categories")),
    ("admin_pages.factor_sets", _l("CO2e factors")),
])  # fmt: skip


def saved(form: FlaskForm, work: Callable[[], object], done: str) -> bool:
    """Run a use case for a valid form; its refusals go next to the fields. True when saved."""
    if not form.validate_on_submit():
        return False
    try:
        work()
    except ValidationFailed as refusal:
        attach_errors(form, refusal)
        return False
    flash(done, "success")
    return True


def status(form: FlaskForm) -> int:
    """200 for a fresh form, 422 when it comes back with errors."""
    return 422 if form.errors else 200


def acting() -> dict[str, Any]:
    """The unit of work and the acting admin, as every use case takes them."""
    return {"uow": runtime().uow(), "by": me().acting}


@bp.route("/", methods=["GET", "POST"])
def territories() -> ResponseReturnValue:
    """Every territory, and a form to add one."""
    form = TerritoryForm()
    if saved(
        form,
        lambda: create_territory(
            **acting(), draft=TerritoryDraft(slug=form.slug.data, **form.values())
        ),
        _("The territory is added."),
    ):
        return redirect(url_for(".territories"))
    found = list_territories(**acting())
    return render_template("admin/territories.html", form=form, territories=found), status(form)


@bp.route("/territoires/<int:territory_id>", methods=["GET", "POST"])
def territory(territory_id: int) -> ResponseReturnValue:
    """Change a territory; its sites with a link to each."""
    current = get_territory(**acting(), territory_id=territory_id)
    form = TerritoryForm(obj=current, communes=", ".join(current.communes))
    del form.slug
    if saved(
        form,
        lambda: update_territory(**acting(), territory_id=territory_id, changes=form.values()),
        _("The territory is changed."),
    ):
        return redirect(url_for(".territory", territory_id=territory_id))
    sites = list_sites(**acting(), territory_id=territory_id)
    return render_template("admin/territory.html", form=form, territory=current,
                           sites=sites), status(form)  # fmt: skip


@bp.route("/communes/nouvelle", methods=["GET", "POST"])
def new_commune() -> ResponseReturnValue:
    """Add a commune the reference data lacks, for a territory to group."""
    form = CommuneForm()
    if saved(
        form,
        lambda: create_commune(**acting(), draft=CommuneDraft(**form.values())),
        _("The commune is added: a territory can now group it by its INSEE code."),
    ):
        return redirect(url_for(".territories"))
    return render_template("admin/commune.html", form=form), status(form)


def site_form(territory_id: int, **values: Any) -> SiteForm:
    """A site form offering the territory's communes."""
    form = SiteForm(**values)
    communes = list_communes(**acting(), territory_id=territory_id)
    form.commune_insee.choices = [(c.insee, f"{c.name} ({c.insee})") for c in communes]
    return form


@bp.route("/territoires/<int:territory_id>/sites/nouveau", methods=["GET", "POST"])
def new_site(territory_id: int) -> ResponseReturnValue:
    """Add a site to a territory."""
    current = get_territory(**acting(), territory_id=territory_id)
    form = site_form(territory_id)
    if saved(
        form,
        lambda: create_site(
            **acting(),
            draft=SiteDraft(slug=form.slug.data, territory_id=territory_id, **form.values()),
        ),
        _("The site is added."),
    ):
        return redirect(url_for(".territory", territory_id=territory_id))
    return render_template("admin/site.html", form=form, territory=current), status(form)


@bp.route("/territoires/<int:territory_id>/sites/<int:site_id>", methods=["GET", "POST"])
def site(territory_id: int, site_id: int) -> ResponseReturnValue:
    """Change a site: name, place, opening days, active."""
    current = get_territory(**acting(), territory_id=territory_id)
    found = next(
        (s for s in list_sites(**acting(), territory_id=territory_id) if s.id == site_id), None
    )
    if found is None:
        raise NotFound()
    form = site_form(territory_id, obj=found)
    del form.slug
    if saved(
        form,
        lambda: update_site(**acting(), site_id=site_id, changes=form.values()),
        _("The site is changed."),
    ):
        return redirect(url_for(".territory", territory_id=territory_id))
    return render_template("admin/site.html", form=form, territory=current,
                           site=found), status(form)  # fmt: skip


@bp.route("/categories", methods=["GET", "POST"])
def categories() -> ResponseReturnValue:
    """The taxonomy, with a form to add a category."""
    form = CategoryForm()
    if saved(
        form,
        lambda: create_category(**acting(), slug=form.slug.data, label=form.label.data),
        _("The category is added."),
    ):
        return redirect(url_for(".categories"))
    found = list_categories(**acting())
    return render_template("admin/categories.html", form=form, categories=found), status(form)


@bp.route("/categories/<slug>", methods=["POST"])
def rename(slug: str) -> ResponseReturnValue:
    """Change a category's label."""
    form = RenameForm()
    if not saved(
        form,
        lambda: rename_category(**acting(), slug=slug, label=form.label.data),
        _("The category is renamed."),
    ):
        for message in [*form.label.errors, *form.form_errors]:
            flash(str(message), "error")
    return redirect(url_for(".categories"))


@bp.route("/facteurs", methods=["GET", "POST"])
def factor_sets() -> ResponseReturnValue:
    """The CO2e factor sets, newest first, and a form to load a new version."""
    form = FactorSetForm()
    if saved(form, lambda: load_factor_set(form), _("The factor set is loaded.")):
        return redirect(url_for(".factor_sets"))
    found = list_factor_sets(**acting())
    return render_template("admin/factor_sets.html", form=form, factor_sets=found), status(form)


def load_factor_set(form: FactorSetForm) -> None:
    """Load the uploaded factor set; a file that is not UTF-8 or a version already loaded is
    refused next to its field."""
    try:
        text = form.file.data.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed([FieldError("file", "invalid", "not UTF-8 text")]) from None
    try:
        add_factor_set(**acting(), version=form.version.data, label=form.label.data, csv_text=text)
    except Conflict as conflict:
        raise ValidationFailed([FieldError("version", "taken", str(conflict))]) from None
