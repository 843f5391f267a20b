"""Page infrastructure shared by every role: layout, sign-in, forms, formats, French labels.

A role's package adds a pages blueprint (`protect(bp, Role.X)`), registers its start page
and menu with `navigation.register_role`, and renders templates extending `base.html`
with the macros of `macros.html`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from web.auth.session import principal
from web.pages import photos, views
from web.pages.formatting import register_filters
from web.pages.navigation import menu
from web.pages.vocabulary import register_labels


def init_pages(app: Flask) -> None:
    """Register the shared pages, template filters and the layout's context."""
    register_filters(app)
    register_labels(app)
    app.context_processor(layout_context)
    app.register_blueprint(views.pages)
    app.register_blueprint(views.account)
    app.register_blueprint(photos.bp)


def layout_context() -> dict[str, Any]:
    """What base.html needs on every page: who is signed in, their menu, where they are."""
    try:
        who = principal()
    except Exception:  # an error page must render even when the database is down
        who = None
    return {"who": who, "menu_items": menu(who), "here": request.full_path.rstrip("?")}
