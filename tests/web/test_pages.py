"""Shared pages: home, sign-in form, language, formats, friendly errors."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient

from reuse.domain.vocabulary import Role
from reuse.unit_of_work import UnitOfWork

from builders import a_site, a_user
from tests_web import PASSWORD, field_error, page_token, password_hash


def an_agent_email(uow: UnitOfWork) -> str:
    with uow:
        site = a_site(uow.session)
        user = a_user(uow.session, Role.AGENT, territory_id=site.territory_id)
        user.password_hash = password_hash()
        uow.commit()
        return user.email


def log_in(client: FlaskClient, email: str, password: str):  # type: ignore[no-untyped-def]
    token = page_token(client, "/connexion")
    return client.post(
        "/connexion", data={"csrf_token": token, "email": email, "password": password}
    )


def test_an_anonymous_visitor_is_sent_to_the_sign_in_form(client: FlaskClient) -> None:
    assert client.get("/").headers["Location"] == "/connexion"
    assert client.get("/agent/lots").headers["Location"] == "/connexion?next=/agent/lots"


def test_the_sign_in_form_shows_french_errors_next_to_each_field(client: FlaskClient) -> None:
    response = log_in(client, "", "")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Cette information est obligatoire." in field_error(html, "email")
    assert "Cette information est obligatoire." in field_error(html, "password")
    assert 'aria-describedby="email-erreur"' in html
    assert 'aria-invalid="true"' in html


def test_a_wrong_password_is_refused_in_french(client: FlaskClient, uow: UnitOfWork) -> None:
    html = log_in(client, an_agent_email(uow), "wrong password").get_data(as_text=True)
    assert "Adresse e-mail inconnue ou mot de passe incorrect." in field_error(html, "password")


def test_signing_in_leads_an_agent_to_their_start_page(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    signed_in = log_in(client, an_agent_email(uow), PASSWORD)
    assert signed_in.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/agent/"
    home = client.get("/agent/").get_data(as_text=True)
    assert 'aria-current="page"' in home
    assert "Se déconnecter" in home


def test_signing_out_ends_the_session(client: FlaskClient, uow: UnitOfWork) -> None:
    log_in(client, an_agent_email(uow), PASSWORD)
    client.post("/deconnexion", data={"csrf_token": page_token(client, "/agent/")})
    assert client.get("/agent/").status_code == 302


def test_a_form_without_its_csrf_token_is_refused(client: FlaskClient, uow: UnitOfWork) -> None:
    response = client.post("/connexion", data={"email": an_agent_email(uow), "password": PASSWORD})
    assert response.status_code == 400


def test_the_language_can_be_switched_to_english(client: FlaskClient) -> None:
    token = page_token(client, "/connexion")
    client.post("/langue", data={"csrf_token": token, "language": "en", "next": "/connexion"})
    html = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "E-mail address" in html


def test_the_password_change_form_names_the_wrong_field(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    log_in(client, an_agent_email(uow), PASSWORD)
    token = page_token(client, "/mot-de-passe")
    form = {"csrf_token": token, "current_password": "not it at all",
            "new_password": "a new long password", "confirmation": "a new long password"}  # fmt: skip
    html = client.post("/mot-de-passe", data=form).get_data(as_text=True)
    assert "Le mot de passe actuel est incorrect." in field_error(html, "current_password")


def test_an_unknown_page_is_the_french_not_found_page(client: FlaskClient) -> None:
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_masses_are_written_the_french_way(app: Flask) -> None:
    mass = app.jinja_env.filters["mass"]
    with app.test_request_context():
        assert mass(Decimal("1234.5")) == "1,2\u00a0t"
        assert mass(Decimal("850.25")) == "850,2\u00a0kg"
        assert mass(Decimal("38.5")) == "38,5\u00a0kg"
        assert app.jinja_env.filters["number"](Decimal("12345.678")) == "12\u202f345,678"
