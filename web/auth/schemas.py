"""Request and response shapes of sign-in, the current user and API tokens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import Strict


class Credentials(Strict):
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True)


class CsrfToken(Schema):
    csrf_token = fields.String(required=True)


class Me(Schema):
    user_id = fields.Integer(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    territory_ids = fields.List(fields.Integer(), required=True)
    site_ids = fields.List(fields.Integer(), required=True)
    actor_ids = fields.List(fields.Integer(), required=True)
    scopes = fields.List(fields.String(), required=True)


class PasswordChange(Strict):
    current_password = fields.String(required=True, load_only=True)
    new_password = fields.String(required=True, load_only=True)


class NewToken(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scopes = fields.List(
        fields.String(validate=validate.OneOf(["read", "write"])),
        load_default=["read"],
        validate=validate.Length(min=1),
    )
    valid_days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=3650))


class Token(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    created_at = fields.AwareDateTime(required=True)
    expires_at = fields.AwareDateTime(allow_none=True)
    last_used_at = fields.AwareDateTime(allow_none=True)


class IssuedToken(Schema):
    id = fields.Integer(required=True)
    token = fields.String(required=True, metadata={"description": "shown once; keep it secret"})
