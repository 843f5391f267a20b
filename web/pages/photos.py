"""Lot photos: uploads checked by their content, kept under the instance folder, served only
to people who may read the lot."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, send_from_directory
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from reuse.domain.lots import MAX_PHOTO_BYTES, Photo
from reuse.domain.vocabulary import Role
from reuse.services.lot_queries import lot_detail
from web.auth.guard import protect
from web.auth.session import me
from web.context import runtime

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}

bp = Blueprint("photos", __name__)
protect(bp, Role.AGENT, Role.TERRITORY_VIEWER, Role.RECYCLER)


@dataclass(frozen=True)
class Upload:
    """A received photo: what the lot records about it, and its bytes to keep."""

    photo: Photo
    content: bytes


def content_type_of(head: bytes) -> str:
    """The image type the bytes really are (the browser's claim is not trusted)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), "unknown")


def read_uploads(files: Iterable[FileStorage]) -> list[Upload]:
    """The non-empty uploaded files, read up to one byte past the size limit."""
    uploads = []
    for incoming in files:
        if not incoming or not incoming.filename:
            continue
        content = incoming.stream.read(MAX_PHOTO_BYTES + 1)
        kind = content_type_of(content[:16])
        name = f"{secrets.token_hex(16)}{EXTENSIONS.get(kind, '.bin')}"
        uploads.append(Upload(Photo(name, kind, len(content)), content))
    return uploads


def upload_folder() -> Path:
    """Where photos are kept: `uploads/` in the instance folder."""
    return runtime().settings.instance_path / "uploads"


def keep(uploads: Iterable[Upload]) -> None:
    """Write accepted photos to the upload folder."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for upload in uploads:
        (folder / upload.photo.filename).write_bytes(upload.content)


@bp.route("/lots/<int:lot_id>/photos/<name>")
def photo(lot_id: int, name: str) -> ResponseReturnValue:
    """One photo of a lot the signed-in person may read."""
    detail = lot_detail(runtime().reading(), by=me().acting, lot_id=lot_id)
    found = next((p for p in detail.photos if p["filename"] == name), None)
    if found is None:
        raise NotFound()
    return send_from_directory(upload_folder(), name, mimetype=found["content_type"])
