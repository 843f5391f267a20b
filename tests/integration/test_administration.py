"""Administration use cases on a real database: admins only, every rule names its field,
and a refusal writes nothing."""

from __future__ import annotations

import uuid
from decimal import Decimal
from importlib.resources import files
from typing import Any

import pytest
from sqlalchemy import func, select

from reuse.domain.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from reuse.domain.vocabulary import Role
from reuse.models import Actor, Commune, FactorSet, Site, Subcategory, Territory, User
from reuse.services.accounts import authenticate
from reuse.services.administration_actors import ActorDraft, create_actor, update_actor
from reuse.services.administration_places import (
    SiteDraft,
    TerritoryDraft,
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
    Grant,
    UserDraft,
    UserFilters,
    create_user,
    get_user,
    page_of_users,
    update_user,
)
from reuse.unit_of_work import UnitOfWork

from builders import a_site, a_territory, a_user, an_actor, unique


@pytest.fixture
def admin(uow: UnitOfWork) -> int:
    with uow:
        user = a_user(uow.session, Role.ADMIN)
        uow.commit()
        return user.id


def count(uow: UnitOfWork, model: Any) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def fields_of(error: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {e.field for e in error.value.errors}


def a_free_commune(uow: UnitOfWork) -> str:
    with uow:
        commune = Commune(insee=unique("c")[-5:], name="Plouézoc'h", lat=48.64, lon=-3.82)
        uow.session.add(commune)
        uow.commit()
        return commune.insee


def a_territory_draft(**overrides: Any) -> TerritoryDraft:
    values = {"slug": unique("epci"), "name": "Haut-Léon Communauté",
              "siren": str(uuid.uuid4().int)[:9]}  # fmt: skip
    return TerritoryDraft(**(values | overrides))


def test_an_admin_creates_a_territory_grouping_free_communes(uow: UnitOfWork, admin: int) -> None:
    insee = a_free_commune(uow)
    created = create_territory(uow, by=admin, draft=a_territory_draft(communes=(insee,)))
    assert created.communes == (insee,)
    with uow:
        assert uow.session.get(Commune, insee).territory_id == created.id  # type: ignore[union-attr]


def test_a_bad_territory_names_each_field_and_writes_nothing(uow: UnitOfWork, admin: int) -> None:
    with uow:
        other = a_site(uow.session)
        uow.commit()
        taken_commune = other.commune_insee
    before = count(uow, Territory)
    draft = a_territory_draft(slug="Not A Slug", siren="12", wave_size=0,
                              communes=(taken_commune, "00000"))  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        create_territory(uow, by=admin, draft=draft)
    assert fields_of(refused) == {"slug", "siren", "wave_size", "communes"}
    assert count(uow, Territory) == before


def test_a_territory_keeps_the_communes_its_sites_lie_in(uow: UnitOfWork, admin: int) -> None:
    with uow:
        site = a_site(uow.session)
        uow.commit()
        territory_id = site.territory_id
    with pytest.raises(ValidationFailed) as refused:
        update_territory(uow, by=admin, territory_id=territory_id, changes={"communes": ()})
    assert [e.code for e in refused.value.errors] == ["in_use"]


def test_a_territory_slug_cannot_be_changed(uow: UnitOfWork, admin: int) -> None:
    with uow:
        territory_id = a_territory(uow.session).id
        uow.commit()
    with pytest.raises(ValidationFailed) as refused:
        update_territory(uow, by=admin, territory_id=territory_id, changes={"slug": "other"})
    assert fields_of(refused) == {"slug"}


def test_someone_who_is_not_an_admin_changes_nothing(uow: UnitOfWork) -> None:
    with uow:
        site = a_site(uow.session)
        agent = a_user(uow.session, Role.AGENT, territory_id=site.territory_id)
        uow.commit()
        ids = agent.id, site.territory_id
    with pytest.raises(NotAllowed):
        update_territory(uow, by=ids[0], territory_id=ids[1], changes={"name": "Pris"})
    with pytest.raises(NotAllowed):
        page_of_users(uow, by=ids[0])
    with pytest.raises(NotAllowed):
        get_user(uow, by=ids[0], user_id=ids[0])


def test_an_admin_adds_a_site_in_a_commune_of_its_territory_and_changes_its_days(
    uow: UnitOfWork, admin: int
) -> None:
    with uow:
        existing = a_site(uow.session)
        uow.commit()
        territory_id, insee = existing.territory_id, existing.commune_insee
    draft = SiteDraft(unique("site"), territory_id, "Déchèterie du Launay", insee, 48.6, -3.8,
                      opening_weekdays=(3, 1, 5))  # fmt: skip
    site = create_site(uow, by=admin, draft=draft)
    assert (site.opening_weekdays, site.commune_name) == ((1, 3, 5), "Morlaix")
    changed = update_site(uow, by=admin, site_id=site.id, changes={"opening_weekdays": (6,),
                                                                   "active": False})  # fmt: skip
    assert (changed.opening_weekdays, changed.active) == ((6,), False)


def test_a_site_outside_its_territory_communes_or_with_bad_days_is_refused(
    uow: UnitOfWork, admin: int
) -> None:
    with uow:
        mine, elsewhere = a_site(uow.session), a_site(uow.session)
        uow.commit()
        territory_id, foreign = mine.territory_id, elsewhere.commune_insee
    before = count(uow, Site)
    draft = SiteDraft(unique("site"), territory_id, " ", foreign, 91.0, -3.8, (0, 8))
    with pytest.raises(ValidationFailed) as refused:
        create_site(uow, by=admin, draft=draft)
    assert fields_of(refused) == {"name", "commune_insee", "lat", "opening_weekdays"}
    assert count(uow, Site) == before


def test_changing_a_missing_site_is_not_found(uow: UnitOfWork, admin: int) -> None:
    with pytest.raises(NotFound):
        update_site(uow, by=admin, site_id=999_999, changes={"name": "x"})


def an_actor_draft(**overrides: Any) -> ActorDraft:
    values: dict[str, Any] = {
        "slug": unique("actor"), "name": "Recyclerie du Trégor", "kind": "recyclerie",
        "commune_insee": "29151", "commune_name": "Morlaix", "lat": 48.58, "lon": -3.83,
        "radius_km": Decimal("25"), "weekly_capacity_kg": Decimal("1500"),
        "collection_weekdays": (2, 4),
        "accepts": (("mobilier.canape", ("as_is", "to_repair")), ("mobilier.assise", ("as_is",))),
        "contact_email": "contact@recyclerie.example.org",
    }  # fmt: skip
    return ActorDraft(**(values | overrides))


def test_an_admin_creates_an_actor_with_the_conditions_of_each_subcategory_it_accepts(
    uow: UnitOfWork, admin: int
) -> None:
    actor = create_actor(uow, by=admin, draft=an_actor_draft())
    assert [(a.subcategory, a.conditions) for a in actor.accepts] == [
        ("mobilier.assise", ("as_is",)),
        ("mobilier.canape", ("as_is", "to_repair")),
    ]
    assert (actor.collection_weekdays, actor.contact_email) == (
        (2, 4),
        "contact@recyclerie.example.org",
    )


def test_an_admin_narrows_what_an_actor_accepts_and_deactivates_it(
    uow: UnitOfWork, admin: int
) -> None:
    actor = create_actor(uow, by=admin, draft=an_actor_draft())
    changes = {"accepts": (("mobilier.canape", ("to_repair",)),), "active": False,
               "radius_km": Decimal("12.5")}  # fmt: skip
    changed = update_actor(uow, by=admin, actor_id=actor.id, changes=changes)
    assert [(a.subcategory, a.conditions) for a in changed.accepts] == [
        ("mobilier.canape", ("to_repair",))
    ]
    assert (changed.active, changed.radius_km, changed.name) == (False, Decimal("12.5"), actor.name)


def test_a_bad_actor_names_each_field_and_writes_nothing(uow: UnitOfWork, admin: int) -> None:
    before = count(uow, Actor)
    draft = an_actor_draft(kind="shop", siret="123", radius_km=Decimal(0),
                           weekly_capacity_kg=Decimal("1.0001"), collection_weekdays=(),
                           contact_email="nobody", accepts=(("mobilier.nothing", ("as_is",)),))  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        create_actor(uow, by=admin, draft=draft)
    assert fields_of(refused) == {"kind", "siret", "radius_km", "weekly_capacity_kg",
                                  "collection_weekdays", "contact_email", "accepts"}  # fmt: skip
    assert count(uow, Actor) == before


def test_an_actor_refusing_a_change_keeps_what_it_accepted(uow: UnitOfWork, admin: int) -> None:
    with uow:
        actor_id = an_actor(uow.session).id
        uow.commit()
    with pytest.raises(ValidationFailed):
        update_actor(uow, by=admin, actor_id=actor_id,
                     changes={"accepts": (("mobilier.canape", ("broken",)),)})  # fmt: skip
    with uow:
        actor = uow.session.get(Actor, actor_id)
        assert [a.condition for a in actor.accepts] == ["as_is"]  # type: ignore[union-attr]


def test_an_admin_creates_an_agent_who_can_sign_in_then_changes_its_role(
    uow: UnitOfWork, admin: int
) -> None:
    with uow:
        site = a_site(uow.session)
        actor = an_actor(uow.session)
        uow.commit()
        ids = site.territory_id, site.id, actor.id
    email = f"{unique('agent')}@Example.org"
    draft = UserDraft(email, "Anne Agent", (Grant("agent", site_id=ids[1]),))
    user = create_user(uow, by=admin, draft=draft, password="assez long mot de passe")
    assert user.memberships == (Grant("agent", ids[0], ids[1], None),)
    assert authenticate(uow, email=email, password="assez long mot de passe").user_id == user.id
    changed = update_user(uow, by=admin, user_id=user.id,
                          changes={"memberships": (Grant("recycler", actor_id=ids[2]),)})  # fmt: skip
    assert changed.memberships == (Grant("recycler", None, None, ids[2]),)


def test_a_deactivated_user_can_no_longer_sign_in(uow: UnitOfWork, admin: int) -> None:
    draft = UserDraft(f"{unique('u')}@example.org", "Ex", (Grant("admin"),))
    user = create_user(uow, by=admin, draft=draft, password="assez long mot de passe")
    update_user(uow, by=admin, user_id=user.id, changes={"active": False})
    with pytest.raises(NotAllowed):
        authenticate(uow, email=draft.email, password="assez long mot de passe")


def test_a_bad_user_names_each_field_and_writes_nothing(uow: UnitOfWork, admin: int) -> None:
    with uow:
        taken = uow.session.get(User, admin).email  # type: ignore[union-attr]
        territory_id = a_territory(uow.session).id
        uow.commit()
    before = count(uow, User)
    grants = (Grant("agent"), Grant("recycler", territory_id=territory_id), Grant("owner"))
    with pytest.raises(ValidationFailed) as refused:
        create_user(uow, by=admin, draft=UserDraft(taken, "", grants), password="short")
    assert fields_of(refused) == {"password", "email", "display_name", "memberships.0.territory_id",
                                  "memberships.1.territory_id", "memberships.2.role"}  # fmt: skip
    assert count(uow, User) == before


def test_an_admin_finds_users_by_part_of_their_e_mail_or_name_and_by_role_a_page_at_a_time(
    uow: UnitOfWork, admin: int
) -> None:
    team = unique("equipe")
    for n, (name, grant) in enumerate([("Anne Le Gall", Grant("admin")),
                                       ("Yann Kerbrat", Grant("admin")),
                                       ("Soizic 100%_sûr", Grant("admin"))]):  # fmt: skip
        create_user(uow, by=admin, password="assez long mot de passe",
                    draft=UserDraft(f"{team}-{n}@example.org", name, (grant,)))  # fmt: skip
    with uow:
        territory_id = a_territory(uow.session).id
        uow.commit()
    create_user(uow, by=admin, password="assez long mot de passe",
                draft=UserDraft(f"{team}-agent@example.org", "Agent",
                                (Grant("agent", territory_id=territory_id),)))  # fmt: skip

    def emails(**filters: Any) -> tuple[list[str], int]:
        page = filters.pop("page", 1)
        found, total = page_of_users(uow, by=admin, filters=UserFilters(**filters), page=page,
                                     per_page=2)  # fmt: skip
        return [u.email for u in found], total

    assert emails(search=team.upper()) == ([f"{team}-0@example.org", f"{team}-1@example.org"], 4)
    assert emails(search=team, page=2) == (
        [f"{team}-2@example.org", f"{team}-agent@example.org"],
        4,
    )
    assert emails(search="kerBRAT") == ([f"{team}-1@example.org"], 1)
    assert emails(search="100%_") == ([f"{team}-2@example.org"], 1)
    assert emails(search="soizic%sûr") == ([], 0)  # % and _ are letters here, not wildcards
    assert emails(search=team, role="agent") == ([f"{team}-agent@example.org"], 1)
    assert emails(search=team, role="no such role") == ([], 0)


def test_a_user_search_ignores_the_case_of_accented_letters_on_either_database(
    uow: UnitOfWork, admin: int
) -> None:
    email = f"{unique('elodie')}@example.org"
    create_user(uow, by=admin, password="assez long mot de passe",
                draft=UserDraft(email, "Élodie Le Bihan", (Grant("admin"),)))  # fmt: skip
    for search in ("élodie le", "ÉLODIE LE"):
        found, _ = page_of_users(uow, by=admin, filters=UserFilters(search=search))
        assert email in [u.email for u in found], search


def test_an_admin_cannot_lock_themselves_out(uow: UnitOfWork, admin: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        update_user(uow, by=admin, user_id=admin, changes={"active": False})
    assert fields_of(refused) == {"active"}
    with pytest.raises(ValidationFailed) as refused:
        update_user(uow, by=admin, user_id=admin, changes={"memberships": (Grant("recycler"),)})
    assert "memberships" in fields_of(refused)


def test_an_admin_grows_the_taxonomy_and_tunes_a_unit_weight(uow: UnitOfWork, admin: int) -> None:
    slug = unique("cat").replace("-", "_")
    category = create_category(uow, by=admin, slug=slug, label="Instruments de musique")
    assert category.subcategories == ()
    draft = SubcategoryDraft(f"{slug}.piano", slug, "Pianos", Decimal("250"), Decimal("100"),
                             Decimal("400"), "aucune (objets)", "20 03 07")  # fmt: skip
    sub = create_subcategory(uow, by=admin, draft=draft)
    assert (sub.category, sub.unit_kg, sub.reusable) == (slug, Decimal("250"), True)
    tuned = update_subcategory(uow, by=admin, slug=sub.slug,
                               changes={"unit_kg": Decimal("220.5"), "reusable": False})  # fmt: skip
    assert (tuned.unit_kg, tuned.reusable, tuned.label) == (Decimal("220.5"), False, "Pianos")
    assert rename_category(uow, by=admin, slug=slug, label="Musique").label == "Musique"


def test_a_unit_weight_outside_its_item_bounds_is_refused_and_kept(
    uow: UnitOfWork, admin: int
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        update_subcategory(uow, by=admin, slug="mobilier.canape",
                           changes={"unit_kg": Decimal("5000"), "ewc_code": "200307"})  # fmt: skip
    assert fields_of(refused) == {"unit_kg", "ewc_code"}
    with uow:
        sofa = uow.session.scalar(select(Subcategory).where(Subcategory.slug == "mobilier.canape"))
        assert sofa is not None
        assert sofa.unit_kg < 5000


def test_a_subcategory_needs_its_category_and_a_free_slug(uow: UnitOfWork, admin: int) -> None:
    before = count(uow, Subcategory)
    draft = SubcategoryDraft("mobilier.canape", "mobilier", "Doublon", Decimal(1), Decimal(1),
                             Decimal(1), "aucune", "20 03 07")  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        create_subcategory(uow, by=admin, draft=draft)
    assert [e.code for e in refused.value.errors] == ["taken"]
    assert count(uow, Subcategory) == before
    with pytest.raises(ValidationFailed) as refused:
        create_category(uow, by=admin, slug="mobilier", label="Encore")
    assert [(e.field, e.code) for e in refused.value.errors] == [("slug", "taken")]


FACTORS = (files("reuse.refdata") / "data" / "co2_factors_v1.csv").read_text(encoding="utf-8")


def test_an_admin_adds_a_factor_set_version_from_a_csv(uow: UnitOfWork, admin: int) -> None:
    version = unique("v").replace("-", "")[:12]
    added = add_factor_set(uow, by=admin, version=version, label="Facteurs test", csv_text=FACTORS)
    assert (added.version, added.factors) == (version, FACTORS.count("\n") - 1)
    assert list_factor_sets(uow, by=admin)[0].version == version
    with pytest.raises(Conflict):
        add_factor_set(uow, by=admin, version=version, label="Encore", csv_text=FACTORS)


def test_a_broken_factor_csv_is_refused_and_adds_no_version(uow: UnitOfWork, admin: int) -> None:
    before = count(uow, FactorSet)
    with pytest.raises(ValidationFailed) as refused:
        add_factor_set(uow, by=admin, version="v9", label="x", csv_text="slug;factor\nx;1\n")
    assert fields_of(refused) == {"file"}
    with pytest.raises(ValidationFailed) as refused:
        add_factor_set(uow, by=admin, version="v 9!", label="", csv_text=FACTORS)
    assert fields_of(refused) == {"version", "label"}
    assert count(uow, FactorSet) == before
