"""Bearer tokens on a real database: who they stand for, and when they were last used."""

from datetime import timedelta

from reuse.domain.vocabulary import Role
from reuse.services.tokens import issue_api_token, list_tokens, principal_for_token
from reuse.unit_of_work import UnitOfWork

from builders import NOW, a_user


def last_used(uow: UnitOfWork, user_id: int) -> object:
    return list_tokens(uow, user_id=user_id)[0].last_used_at


def test_a_tokens_last_use_is_recorded_at_most_once_a_minute(uow: UnitOfWork) -> None:
    with uow:
        user_id = a_user(uow.session, Role.ADMIN).id
        uow.commit()
    issued = issue_api_token(
        uow, user_id=user_id, name="stock software", scopes=["read"], valid_for=None, now=NOW
    )
    for seconds, seen in ((0, NOW), (59, NOW), (60, NOW + timedelta(seconds=60))):
        who = principal_for_token(uow, secret=issued.secret, now=NOW + timedelta(seconds=seconds))
        assert who is not None
        assert who.user_id == user_id
        assert last_used(uow, user_id) == seen


def test_an_expired_token_stands_for_nobody(uow: UnitOfWork) -> None:
    with uow:
        user_id = a_user(uow.session, Role.ADMIN).id
        uow.commit()
    issued = issue_api_token(
        uow, user_id=user_id, name="old", scopes=["read"], valid_for=timedelta(days=1), now=NOW
    )
    assert principal_for_token(uow, secret=issued.secret, now=NOW + timedelta(days=1)) is None
    assert last_used(uow, user_id) is None
