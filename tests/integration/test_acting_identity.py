"""Who acts in a use case: a user id the use case loads, or the identity its entrypoint checked."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from reuse.domain.errors import NotAllowed
from reuse.domain.vocabulary import Role
from reuse.models import User
from reuse.services.access import Acting, Grant, acting_of, acting_user
from reuse.services.accounts import principal_of
from reuse.services.lot_queries import LotFilters, list_lots
from reuse.services.lots import declare_lot
from reuse.unit_of_work import UnitOfWork

from builders import NOW, a_draft, a_site, a_territory, a_user, an_agent_of


@contextmanager
def statements(sessions: sessionmaker) -> Iterator[list[str]]:  # type: ignore[type-arg]
    """The SQL statements the test's connection sends meanwhile."""
    sent: list[str] = []
    bind = sessions.kw["bind"]
    listener = lambda *args: sent.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    event.listen(bind, "before_cursor_execute", listener)
    try:
        yield sent
    finally:
        event.remove(bind, "before_cursor_execute", listener)


@pytest.fixture
def agent(uow: UnitOfWork) -> tuple[int, int]:
    with uow:
        site = a_site(uow.session)
        user = an_agent_of(uow.session, site)
        uow.commit()
        return user.id, site.id


def test_an_identity_holds_the_roles_and_places_of_the_user_memberships(uow, agent) -> None:
    user_id, _site_id = agent
    with uow:
        acting = acting_user(uow.session, user_id)
        territory_id = uow.session.get_one(User, user_id).memberships[0].territory_id
    assert acting == Acting(user_id, (Grant(Role.AGENT, territory_id, None, None),))


def test_a_use_case_given_the_checked_identity_does_not_load_the_user_again(
    uow, sessions, agent
) -> None:
    user_id, site_id = agent
    declare_lot(uow, by=user_id, site_id=site_id, subcategory="mobilier.canape",
                draft=a_draft(), now=NOW)  # fmt: skip
    with uow:
        acting = acting_user(uow.session, user_id)
    with statements(sessions) as by_id:
        loaded = list_lots(uow, by=user_id, filters=LotFilters())
    with statements(sessions) as by_identity:
        given = list_lots(uow, by=acting, filters=LotFilters())
    assert given == loaded
    assert loaded[1] == 1
    assert len(by_identity) == len(by_id) - 1
    assert not any("user_account" in sql for sql in by_identity)


def test_an_identity_from_another_territory_sees_none_of_its_lots(uow, agent) -> None:
    user_id, site_id = agent
    declare_lot(uow, by=user_id, site_id=site_id, subcategory="mobilier.canape",
                draft=a_draft(), now=NOW)  # fmt: skip
    with uow:
        elsewhere = an_agent_of(uow.session, a_site(uow.session, a_territory(uow.session)))
        stranger = acting_of(elsewhere)
        uow.commit()
    assert list_lots(uow, by=stranger, filters=LotFilters()) == ([], 0)


def test_a_use_case_given_a_user_id_refuses_an_inactive_user(uow) -> None:
    with uow:
        user = a_user(uow.session, Role.AGENT)
        user.active = False
        uow.commit()
        with pytest.raises(NotAllowed):
            acting_user(uow.session, user.id)


def test_a_signed_in_principal_carries_the_identity_use_cases_check(uow, agent) -> None:
    user_id, _site_id = agent
    with uow:
        principal = principal_of(uow.session.get_one(User, user_id))
        assert principal.acting == acting_user(uow.session, user_id)
