"""The forms every signed-in person uses: sign in, change password, choose a language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from reuse.services.accounts import MIN_PASSWORD

REQUIRED = _l("This information is required.")
EMAIL = _l("Enter an e-mail address such as name@example.fr.")


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(REQUIRED), Regexp(r"^[^@\s]+@[^@\s]+$", message=EMAIL)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters."),
        validators=[
            DataRequired(REQUIRED),
            Length(min=MIN_PASSWORD, message=_l("At least 10 characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirmation = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new_password", _l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("fr", "Français"), SelectChoice("en", "English")],
        validators=[DataRequired()],
    )
    next = HiddenField()
