"""Platform administration as JSON: territories, communes, sites, actors, users, taxonomy,
factor sets.

Admins read territories, sites, communes, categories and actors through the directory
endpoints, which show them everything.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import FileStorage

from reuse.domain.vocabulary import Role
from reuse.services.administration_actors import ActorDraft, create_actor, update_actor
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
    SubcategoryDraft,
    add_factor_set,
    create_category,
    create_subcategory,
    list_factor_sets,
    rename_category,
    update_subcategory,
)
from reuse.services.administration_users import (
    UserDraft,
    UserFilters,
    create_user,
    page_of_users,
    update_user,
)
from web.admin import schemas
from web.api import Blueprint
from web.auth.guard import protect
from web.auth.session import forget_trusted_tokens, me
from web.context import runtime
from web.schemas import page_of
from web.territory.schemas import (
    ActorOut,
    CategoryOut,
    CommuneOut,
    SiteOut,
    SubcategoryOut,
    TerritoryOut,
)

admin = Blueprint("admin", __name__, url_prefix="/api/admin", description="Administration")
protect(admin, Role.ADMIN)


@admin.route("/territories", methods=["POST"])
@admin.arguments(schemas.TerritoryIn)
@admin.response(201, TerritoryOut)
def add_territory(body: dict[str, Any]) -> Any:
    """Add a territory grouping communes that belong to no other territory."""
    return create_territory(runtime().uow(), by=me().acting, draft=TerritoryDraft(**body))


@admin.route("/territories/<int:territory_id>", methods=["PATCH"])
@admin.arguments(schemas.TerritoryChanges)
@admin.response(200, TerritoryOut)
def change_territory(changes: dict[str, Any], territory_id: int) -> Any:
    """Change a territory's name, SIREN, matching waves or communes."""
    return update_territory(
        runtime().uow(), by=me().acting, territory_id=territory_id, changes=changes
    )


@admin.route("/communes", methods=["POST"])
@admin.arguments(schemas.CommuneIn)
@admin.response(201, CommuneOut)
def add_commune(body: dict[str, Any]) -> Any:
    """Add a commune, in no territory yet, for a territory to group by its INSEE code."""
    return create_commune(runtime().uow(), by=me().acting, draft=CommuneDraft(**body))


@admin.route("/sites", methods=["POST"])
@admin.arguments(schemas.SiteIn)
@admin.response(201, SiteOut)
def add_site(body: dict[str, Any]) -> Any:
    """Add a site in one of its territory's communes."""
    return create_site(runtime().uow(), by=me().acting, draft=SiteDraft(**body))


@admin.route("/sites/<int:site_id>", methods=["PATCH"])
@admin.arguments(schemas.SiteChanges)
@admin.response(200, SiteOut)
def change_site(changes: dict[str, Any], site_id: int) -> Any:
    """Change a site's name, place, opening days or active flag."""
    return update_site(runtime().uow(), by=me().acting, site_id=site_id, changes=changes)


@admin.route("/actors", methods=["POST"])
@admin.arguments(schemas.ActorIn)
@admin.response(201, ActorOut)
def add_actor(body: dict[str, Any]) -> Any:
    """Add a reuse actor with what it accepts, its reach, capacity and collection days."""
    return create_actor(runtime().uow(), by=me().acting, draft=ActorDraft(**body))


@admin.route("/actors/<int:actor_id>", methods=["PATCH"])
@admin.arguments(schemas.ActorChanges)
@admin.response(200, ActorOut)
def change_actor(changes: dict[str, Any], actor_id: int) -> Any:
    """Change an actor; `accepts`, when sent, replaces everything it accepted."""
    return update_actor(runtime().uow(), by=me().acting, actor_id=actor_id, changes=changes)


@admin.route("/users", methods=["GET"])
@admin.arguments(schemas.UserQuery, location="query")
@admin.response(200, schemas.UserPage)
def users(query: dict[str, Any]) -> Any:
    """Users by e-mail with their roles, a page at a time; `q` searches e-mails and names."""
    page, per_page = query.pop("page"), query.pop("per_page")
    filters = UserFilters(search=query.get("q", ""), role=query.get("role"))
    found, total = page_of_users(runtime().reading(), by=me().acting, filters=filters,
                                 page=page, per_page=per_page)  # fmt: skip
    return page_of(found, total, page, per_page)


@admin.route("/users", methods=["POST"])
@admin.arguments(schemas.UserIn)
@admin.response(201, schemas.UserOut)
def add_user(body: dict[str, Any]) -> Any:
    """Create a user with its roles and a first password."""
    password = body.pop("password")
    return create_user(runtime().uow(), by=me().acting, draft=UserDraft(**body), password=password)


@admin.route("/users/<int:user_id>", methods=["PATCH"])
@admin.arguments(schemas.UserChanges)
@admin.response(200, schemas.UserOut)
def change_user(changes: dict[str, Any], user_id: int) -> Any:
    """Change a user's name or roles, or deactivate it; `memberships` replaces its roles."""
    changed = update_user(runtime().uow(), by=me().acting, user_id=user_id, changes=changes)
    forget_trusted_tokens()
    return changed


@admin.route("/categories", methods=["POST"])
@admin.arguments(schemas.CategoryIn)
@admin.response(201, CategoryOut)
def add_category(body: dict[str, str]) -> Any:
    """Add a category; its subcategories are added one by one."""
    return create_category(runtime().uow(), by=me().acting, **body)


@admin.route("/categories/<slug>", methods=["PATCH"])
@admin.arguments(schemas.CategoryChanges)
@admin.response(200, CategoryOut)
def change_category(body: dict[str, str], slug: str) -> Any:
    """Change a category's label."""
    return rename_category(runtime().uow(), by=me().acting, slug=slug, label=body["label"])


@admin.route("/subcategories", methods=["POST"])
@admin.arguments(schemas.SubcategoryIn)
@admin.response(201, SubcategoryOut)
def add_subcategory(body: dict[str, Any]) -> Any:
    """Add a subcategory with its unit weight, item bounds and codes."""
    return create_subcategory(runtime().uow(), by=me().acting, draft=SubcategoryDraft(**body))


@admin.route("/subcategories/<slug>", methods=["PATCH"])
@admin.arguments(schemas.SubcategoryChanges)
@admin.response(200, SubcategoryOut)
def change_subcategory(changes: dict[str, Any], slug: str) -> Any:
    """Change a subcategory's label, unit weight, reusable flag or codes."""
    return update_subcategory(runtime().uow(), by=me().acting, slug=slug, changes=changes)


@admin.route("/factor-sets", methods=["GET"])
@admin.response(200, schemas.FactorSetOut(many=True))
def factor_sets() -> Any:
    """Every CO2e factor set, newest first."""
    return list_factor_sets(runtime().reading(), by=me().acting)


@admin.route("/factor-sets", methods=["POST"])
@admin.arguments(schemas.FactorSetQuery, location="query")
@admin.arguments(schemas.FactorFile, location="files")
@admin.response(201, schemas.FactorSetOut)
def add_factors(query: dict[str, str], files: dict[str, FileStorage]) -> Any:
    """Add a factor-set version from an uploaded CSV (multipart field `file`), named in the
    query like a release asset; an existing version is never altered."""
    text = files["file"].read().decode("utf-8", errors="replace")
    return add_factor_set(runtime().uow(), by=me().acting, csv_text=text, **query)
