"""Pages every person uses: home, sign in and out, password change, language."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from reuse.domain.errors import NotAllowed, ValidationFailed
from reuse.domain.vocabulary import Role
from reuse.services.accounts import Principal, authenticate, change_password
from web.auth.api import LOGIN_LIMIT
from web.auth.guard import protect, public
from web.auth.session import SignedIn, limiter, me, principal
from web.context import runtime
from web.i18n import LANGUAGES
from web.pages.forms import LanguageForm, LoginForm, PasswordChangeForm
from web.pages.messages import attach_errors
from web.pages.navigation import start_endpoint

pages = Blueprint("pages", __name__)
public(pages)
account = Blueprint("account", __name__)
protect(account, *Role)


def safe_next(target: str | None) -> str | None:
    """A local path to go back to after a form, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def login_form_key() -> str:
    """Count sign-in attempts per address and per e-mail tried, like the API does."""
    return f"{request.remote_addr}|{request.form.get('email', '').strip().lower()}"


@pages.route("/")
def home() -> ResponseReturnValue:
    """Send a signed-in person to their role's start page, anyone else to the sign-in form."""
    who = principal()
    if who is None:
        return redirect(url_for("pages.login"))
    endpoint = start_endpoint(who)
    return redirect(url_for(endpoint)) if endpoint else render_template("pages/welcome.html")


@pages.route("/connexion", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, key_func=login_form_key, methods=["POST"])
def login() -> ResponseReturnValue:
    """Sign in with e-mail and password; the session is renewed."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    elif form.validate_on_submit():
        try:
            who = authenticate(runtime().uow(), email=form.email.data, password=form.password.data)
        except NotAllowed:
            form.password.errors.append(_("Unknown e-mail address or wrong password."))
        else:
            open_session(who)
            return redirect(safe_next(form.next.data) or url_for("pages.home"))
    status = 422 if form.errors else 200
    return render_template("pages/login.html", form=form), status


def open_session(who: Principal) -> None:
    """Start a fresh session for `who` (no value of the anonymous one survives but the language)."""
    locale = session.get("locale")
    session.clear()
    login_user(SignedIn(who))
    if locale:
        session["locale"] = locale


@pages.route("/deconnexion", methods=["POST"])
def logout() -> ResponseReturnValue:
    """Sign out and forget the session."""
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You are signed out."), "success")
    return redirect(url_for("pages.login"))


@pages.route("/langue", methods=["POST"])
def language() -> ResponseReturnValue:
    """Remember the chosen language for this session."""
    form = LanguageForm()
    if form.validate_on_submit() and form.language.data in LANGUAGES:
        session["locale"] = form.language.data
    return redirect(safe_next(form.next.data) or url_for("pages.home"))


@account.route("/mot-de-passe", methods=["GET", "POST"])
def password() -> ResponseReturnValue:
    """Change my password after typing the current one."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(runtime().uow(), user_id=me().user_id,
                            current=form.current_password.data, new=form.new_password.data)  # fmt: skip
        except ValidationFailed as refusal:
            attach_errors(form, refusal)
        else:
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("pages.home"))
    status = 422 if form.errors else 200
    return render_template("pages/password.html", form=form), status
