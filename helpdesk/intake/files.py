"""The files of the intake: every message kept as received (for staff, and for an
administrator when quarantined), and its attachments put through the upload checks."""
import io
import os
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from .. import uploads
from .reasons import file_refused


def store_raw(raw):
    """Keep the message as received in INTAKE_FOLDER; returns its stored name. Written to
    a temporary name and renamed, so a file under a stored name is always whole."""
    name = uuid.uuid4().hex
    path = raw_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with open(partial, "wb") as out:
        out.write(raw)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    return name


def raw_path(stored_name):
    return Path(current_app.config["INTAKE_FOLDER"]) / stored_name[:2] / f"{stored_name}.eml"


def remove_raw(stored_name):
    if stored_name:
        raw_path(stored_name).unlink(missing_ok=True)


def read_raw(stored_name):
    return raw_path(stored_name).read_bytes()


def checked_files(parts):
    """The message's files through the upload checks (kind from content, size, count):
    returns ([CheckedFile], [Reason refused, one per file])."""
    config = current_app.config
    accepted, refused = [], []
    for part in parts:
        storage = FileStorage(stream=io.BytesIO(part.data), filename=part.filename)
        try:
            checked = uploads.check(storage, set(config["UPLOAD_EXTENSIONS"]),
                                    config["UPLOAD_MAX_FILE_SIZE"])
        except uploads.UploadRejected as exc:
            refused.append(file_refused(exc.args[0]))
            continue
        if len(accepted) >= config["UPLOAD_MAX_FILES"]:
            refused.append(file_refused(too_many(checked.name, config["UPLOAD_MAX_FILES"])))
            continue
        accepted.append(checked)
    return accepted, refused


def too_many(name, limit):
    return _l("%(name)s: at most %(count)s files can be attached to one message.",
              name=name, count=limit)
