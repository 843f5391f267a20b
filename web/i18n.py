"""French by default, English available: Flask-Babel catalogs under web/translations."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel, get_locale

LANGUAGES = ("fr", "en")
babel = Babel()


def select_locale() -> str:
    """The language chosen in the session, else the browser's preference, else French."""
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES, default="fr") or "fr"


def init_i18n(app: Flask) -> None:
    """Install Babel with the catalogs of this package."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "fr")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Paris")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
