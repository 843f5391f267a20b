from decimal import Decimal

import pytest

from reuse.domain.vocabulary import OutcomeGroup
from reuse.refdata import catalog

SUBCATEGORY_SLUGS = {sub.slug for sub in catalog.subcategories()}
COMMUNE_INSEE = {commune.insee for commune in catalog.communes()}


def test_the_taxonomy_has_55_subcategories_with_unique_slugs() -> None:
    slugs = [sub.slug for sub in catalog.subcategories()]
    assert len(slugs) == 55
    assert len(set(slugs)) == len(slugs)


def test_every_subcategory_belongs_to_a_known_category() -> None:
    category_slugs = {category.slug for category in catalog.categories()}
    for sub in catalog.subcategories():
        assert sub.category_slug in category_slugs
        assert sub.slug.startswith(f"{sub.category_slug}.")


@pytest.mark.parametrize("sub", catalog.subcategories(), ids=lambda sub: sub.slug)
def test_every_subcategory_has_a_positive_unit_weight_within_its_plausible_range(
    sub: catalog.SubcategoryRow,
) -> None:
    assert sub.unit_kg > 0
    assert Decimal(0) < sub.min_item_kg <= sub.unit_kg <= sub.max_item_kg
    assert sub.unit_kg_quality in {"sourced", "estimate"}


def test_every_subcategory_points_to_a_european_waste_code_of_the_shipped_list() -> None:
    codes = {row.code for row in catalog.ewc_codes()}
    for sub in catalog.subcategories():
        assert sub.ewc_code in codes, sub.slug


def test_hazardous_waste_codes_and_only_those_carry_an_asterisk() -> None:
    for row in catalog.ewc_codes():
        assert row.code.endswith("*") == row.is_hazardous, row.code


def test_every_accepted_subcategory_of_every_actor_exists() -> None:
    for actor in catalog.actors():
        assert actor.accepted, actor.slug
        for slug, conditions in actor.accepted:
            assert slug in SUBCATEGORY_SLUGS, (actor.slug, slug)
            assert conditions, (actor.slug, slug)


def test_no_actor_lists_the_same_subcategory_twice() -> None:
    for actor in catalog.actors():
        slugs = [slug for slug, _ in actor.accepted]
        assert len(slugs) == len(set(slugs)), actor.slug


def test_actors_have_a_positive_radius_capacity_and_some_collection_day() -> None:
    for actor in catalog.actors():
        assert actor.radius_km > 0
        assert actor.weekly_capacity_kg > 0
        assert actor.collection_weekdays


def test_every_factor_row_names_an_existing_subcategory() -> None:
    for row in catalog.factors("v1"):
        assert row.subcategory_slug in SUBCATEGORY_SLUGS


def test_factor_set_v1_covers_every_subcategory_once_with_a_positive_factor() -> None:
    rows = catalog.factors("v1")
    assert sorted(row.subcategory_slug for row in rows) == sorted(SUBCATEGORY_SLUGS)
    assert all(row.kgco2e_per_kg > 0 for row in rows)
    assert {row.quality for row in rows} <= {"sourced", "derived", "estimate"}


def test_an_unknown_factor_set_version_is_refused() -> None:
    with pytest.raises(ValueError, match="version"):
        catalog.factors("../categories")


def test_exactly_the_reuse_outcomes_count_as_reuse() -> None:
    for outcome in catalog.outcomes():
        assert outcome.counts_as_reuse == (outcome.group is OutcomeGroup.REUSE), outcome.slug


def test_all_26_communes_of_morlaix_communaute_are_present_with_finistere_insee_codes() -> None:
    rows = catalog.communes()
    assert len(rows) == 26
    assert len(COMMUNE_INSEE) == 26
    assert all(insee.startswith("29") for insee in COMMUNE_INSEE)
    assert {row.epci_siren for row in rows} == {"242900835"}


def test_the_territory_population_is_about_67_500() -> None:
    assert 65_000 < sum(row.population for row in catalog.communes()) < 70_000


def test_every_site_lies_in_a_commune_of_the_territory() -> None:
    sites = catalog.sites()
    assert sites
    for site in sites:
        assert site.insee in COMMUNE_INSEE, site.slug
        assert site.opening_weekdays <= set(range(1, 8))
