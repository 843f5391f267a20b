"""Pure rules of a declaration: refusals per field, estimated weights, implausible weights."""

from datetime import timedelta
from decimal import Decimal

import pytest

from reuse.domain.errors import ValidationFailed
from reuse.domain.lots import Photo, SubcategoryFacts, accept_declaration

from builders import NOW, a_draft

SOFA = SubcategoryFacts("mobilier.canape", True, Decimal("40"), Decimal("15"), Decimal("150"))
PHONE = SubcategoryFacts(
    "informatique_image_son.telephone_tablette",
    True,
    Decimal("0.2"),
    Decimal("0.05"),
    Decimal("1.5"),
)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"estimated_kg": Decimal("0")}, "estimated_kg", "not_positive"),
        ({"estimated_kg": Decimal("-3")}, "estimated_kg", "not_positive"),
        ({"estimated_kg": Decimal("1.2345")}, "estimated_kg", "too_precise"),
        ({"estimated_kg": Decimal("60000")}, "estimated_kg", "too_large"),
        ({"estimated_kg": None, "item_count": None}, "estimated_kg", "required"),
        ({"item_count": 0}, "item_count", "out_of_range"),
        ({"deadline": NOW}, "deadline", "before_availability"),
        ({"deadline": NOW - timedelta(days=1)}, "deadline", "before_availability"),
        (
            {"available_from": NOW - timedelta(days=9), "deadline": NOW - timedelta(days=1)},
            "deadline",
            "in_the_past",
        ),
        ({"condition": "broken"}, "condition", "unknown"),
        ({"description": "x" * 2001}, "description", "too_long"),
        ({"photos": (Photo("a.gif", "image/gif", 10),)}, "photos.0", "bad_type"),
        ({"photos": (Photo("a.jpg", "image/jpeg", 11 * 2**20),)}, "photos.0", "too_large"),
        (
            {"photos": tuple(Photo(f"{i}.jpg", "image/jpeg", 10) for i in range(11))},
            "photos",
            "too_many",
        ),
    ],
)
def test_each_bad_field_is_refused_with_its_own_reason(
    overrides: dict, field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        accept_declaration(a_draft(**overrides), SOFA, NOW)
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]


def test_several_bad_fields_are_all_named_at_once() -> None:
    draft = a_draft(estimated_kg=Decimal("0"), condition="broken", deadline=NOW)
    with pytest.raises(ValidationFailed) as refused:
        accept_declaration(draft, SOFA, NOW)
    assert {e.field for e in refused.value.errors} == {"estimated_kg", "condition", "deadline"}


def test_a_subcategory_that_is_not_reusable_is_refused() -> None:
    waste = SubcategoryFacts("divers.gravats", False, Decimal("1"), Decimal("0.1"), Decimal("100"))
    with pytest.raises(ValidationFailed) as refused:
        accept_declaration(a_draft(), waste, NOW)
    assert refused.value.errors[0].field == "subcategory"


def test_a_count_without_weight_is_weighed_with_the_unit_weight_and_marked_estimated() -> None:
    weighed = accept_declaration(a_draft(estimated_kg=None, item_count=3), SOFA, NOW)
    assert weighed.estimated_kg == Decimal("120.000")
    assert weighed.weight_is_estimate is True


def test_a_typed_weight_is_kept_to_the_gram_and_not_marked_estimated() -> None:
    weighed = accept_declaration(a_draft(estimated_kg=Decimal("38.5")), SOFA, NOW)
    assert (weighed.estimated_kg, weighed.weight_is_estimate, weighed.weight_flag) == (
        Decimal("38.500"),
        False,
        None,
    )


@pytest.mark.parametrize(
    ("sub", "weight", "count", "flag"),
    [
        (PHONE, "40", 1, "heavier_than_plausible"),
        (PHONE, "400", 2, "looks_like_grams"),
        (SOFA, "40000", 1, "looks_like_grams"),
        (SOFA, "2", 1, "lighter_than_plausible"),
        (SOFA, "2", None, "lighter_than_plausible"),
        (SOFA, "600", 10, None),
        (PHONE, "0.2", 1, None),
    ],
)
def test_an_implausible_weight_is_accepted_but_flagged(
    sub: SubcategoryFacts, weight: str, count: int | None, flag: str | None
) -> None:
    weighed = accept_declaration(a_draft(estimated_kg=Decimal(weight), item_count=count), sub, NOW)
    assert weighed.weight_flag == flag
    assert weighed.estimated_kg == Decimal(weight)
