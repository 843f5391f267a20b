"""The Flask front of reuse: JSON API and pages, one package per user role."""

from __future__ import annotations

from flask import Flask

from reuse.config import Settings
from reuse.runtime import Runtime
from web import errors, health
from web.admin import api as admin_api
from web.admin import member_pages as admin_member_pages
from web.admin import pages as admin_pages
from web.agent import api as agent_api
from web.agent import pages as agent_pages
from web.api import api
from web.auth import api as auth_api
from web.auth.session import init_session
from web.configuration import configure
from web.i18n import init_i18n
from web.idempotency import init_idempotency
from web.pages import init_pages
from web.recycler import api as recycler_api
from web.recycler import impact as recycler_impact
from web.recycler import pages as recycler_pages
from web.recycler import settings as recycler_settings
from web.territory import api as territory_api
from web.territory import pages as territory_pages
from workers.app import create_app as create_celery


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """Build the web application for `settings` (from the environment by default)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    configure(app, settings)
    platform = runtime or Runtime.start(settings)
    create_celery(settings, platform)  # commits now publish their events at once
    app.extensions["reuse"] = platform
    init_i18n(app)
    init_session(app)
    init_idempotency(app)
    api.init_app(app)
    api.register_blueprint(auth_api.session_blp)
    api.register_blueprint(auth_api.blp)
    api.register_blueprint(agent_api.lots)
    api.register_blueprint(agent_api.agent_lots)
    for blueprint in recycler_api.BLUEPRINTS:
        api.register_blueprint(blueprint)
    for blueprint in territory_api.BLUEPRINTS:
        api.register_blueprint(blueprint)
    api.register_blueprint(admin_api.admin)
    app.register_blueprint(health.bp)
    init_pages(app)
    app.register_blueprint(agent_pages.bp)
    app.register_blueprint(admin_pages.bp)
    app.register_blueprint(admin_member_pages.bp)
    app.register_blueprint(recycler_pages.bp)
    app.register_blueprint(recycler_settings.bp)
    app.register_blueprint(recycler_impact.bp)
    app.register_blueprint(territory_pages.bp)
    errors.register(app)
    return app
