"""Attachments: check what a file really is, store it under a random name, open it again.

The kind is decided from the file's content; the name's extension must agree with it,
so a web page renamed ``photo.png`` or a program renamed ``surat.pdf`` is refused.
"""
import codecs
import hashlib
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l

from . import archives
from .display import decimal
from .models import Attachment

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "txt": "text/plain",
    "csv": "text/csv",
    "zip": "application/zip",
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 1024 * 1024
PART = ".part"  # a file not yet named by a saved change


class UploadRejected(ValueError):
    """A file that may not be attached; the message is shown to the user."""


@dataclass
class CheckedFile:
    """An upload that passed the checks, not yet stored."""

    name: str
    kind: str
    size: int
    stream: object

    @property
    def content_type(self):
        return CONTENT_TYPES[self.kind]


def check(storage, allowed, max_size):
    """Check one werkzeug FileStorage; returns a CheckedFile or raises UploadRejected."""
    name = clean_name(storage.filename or "")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext not in allowed:
        raise UploadRejected(_l("%(name)s: files of this type are not accepted. Please send it "
                                "as one of these kinds: %(kinds)s.", name=name or "?",
                                kinds=", ".join(sorted(allowed))))
    stream = storage.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise UploadRejected(_l("%(name)s is empty. Please choose the file again, or save it "
                                "again and attach it.", name=name))
    if size > max_size:
        raise UploadRejected(_l("%(name)s is too large (%(size)s MB; at most %(max)s MB). Please "
                                "shrink it, for example by compressing it or splitting it into "
                                "several files, and attach it again.",
                                name=name, size=megabytes(size), max=megabytes(max_size)))
    try:
        matches = _content_matches(ext, stream)
    except archives.Unsafe as exc:
        log.info("upload %r refused: %s", name, exc)
        raise UploadRejected(_l("%(name)s cannot be accepted: the archive is damaged, "
                                "protected by a password, or unpacks to too much data. Please send "
                                "the files without a password, or in several smaller archives.",
                                name=name)) from exc
    if not matches:
        raise UploadRejected(_l("%(name)s is not really a .%(ext)s file: its content is of another "
                                "kind. Please open it and save it again as .%(ext)s, or rename "
                                "it with its real extension, then attach it again.",
                                name=name, ext=ext))
    stream.seek(0)
    return CheckedFile(name=name, kind=ext, size=size, stream=stream)


def store(checked, folder):
    """Copy a checked file into ``folder`` under a random name, as ``<name>.part`` until
    ``finalize`` (after the change that names it has committed); returns
    (stored_name, sha256)."""
    stored_name = uuid.uuid4().hex
    path = part_of(folder, stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    checked.stream.seek(0)
    with open(path, "xb") as out:
        while chunk := checked.stream.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return stored_name, digest.hexdigest()


def finalize(folder, stored_names):
    """Give stored files their final name (an atomic rename in the same folder); returns
    the names renamed. One already final is left as it is; a failure is logged and left to
    ``clean_leftovers``, since the change naming the file is already saved."""
    done = []
    for name in stored_names:
        try:
            os.replace(part_of(folder, name), path_of(folder, name))
            done.append(name)
        except FileNotFoundError:
            continue
        except OSError:
            log.exception("could not finalize the upload %s", name)
    return done


def path_of(folder, stored_name):
    return Path(folder) / stored_name[:2] / stored_name


def part_of(folder, stored_name):
    return Path(folder) / stored_name[:2] / (stored_name + PART)


def remove(folder, stored_names):
    for name in stored_names:
        path_of(folder, name).unlink(missing_ok=True)
        part_of(folder, name).unlink(missing_ok=True)


def clean_name(filename):
    """The original name without any folder part or control characters, at most 255 chars."""
    base = filename.replace("\\", "/").rpartition("/")[2]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".").strip()
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[:254 - len(ext)]}.{ext}" if dot and len(ext) <= 16 else base[:255]
    return base


def megabytes(size):
    """Bytes as megabytes with one decimal at most, in the locale's notation: "2,5"."""
    return decimal(size / (1024 * 1024))


def _content_matches(ext, stream):
    head = stream.read(8192)
    stream.seek(0)
    if ext == "pdf":
        return b"%PDF-" in head[:1024]
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if ext in ("doc", "xls"):
        return head.startswith(OLE2)
    if ext in ("txt", "csv"):
        return _is_text(stream)
    if ext in ZIP_KINDS:
        return head.startswith(b"PK") and archives.inspect(stream, ZIP_KINDS[ext])
    return False


def _opendocument(kind):
    expected = f"application/vnd.oasis.opendocument.{kind}".encode()
    return lambda archive: (archive.head("mimetype") or b"").strip() == expected


ZIP_KINDS = {  # what an archive of each kind holds
    "zip": lambda archive: True,
    "docx": lambda archive: "word/document.xml" in archive.names,
    "xlsx": lambda archive: "xl/workbook.xml" in archive.names,
    "odt": _opendocument("text"),
    "ods": _opendocument("spreadsheet"),
}


def _is_text(stream):
    """Plain text: no NUL bytes, and readable as UTF-8 (or, failing that, Windows-1252).
    Decoded a chunk at a time, so a large file is never held whole."""
    try:
        for encoding in ("utf-8-sig", "cp1252"):
            stream.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := stream.read(CHUNK):
                    if b"\x00" in chunk:
                        return False
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
                return True
            except UnicodeDecodeError:
                continue
        return False
    finally:
        stream.seek(0)


# --- leftovers of killed processes -------------------------------------------------------

LEFTOVER_AGE = timedelta(hours=1)
STORED_NAME = re.compile(r"[0-9a-f]{32}")
LOOKUP_BATCH = 500


@dataclass
class Cleanup:
    """What ``clean_leftovers`` did: files removed as (path in the folder, size) and
    stored names finalized."""

    removed: list = field(default_factory=list)
    finalized: list = field(default_factory=list)

    @property
    def removed_bytes(self):
        return sum(size for _, size in self.removed)


@dataclass
class _Found:
    path: str
    stored_name: str
    part: bool
    size: int
    mtime: float


def clean_leftovers(folder, older_than=LEFTOVER_AGE, now=None):
    """Settle what killed processes left in the upload folder. A ``.part`` file whose
    attachment row exists was saved before the rename: it gets its final name. A file
    with no attachment row (``.part`` or final) older than ``older_than`` is removed;
    younger ones may belong to a request still running. Returns a Cleanup."""
    cutoff = (now or time.time()) - older_than.total_seconds()
    done = Cleanup()
    for batch in _batches(_stored_files(folder, cutoff), LOOKUP_BATCH):
        names = [found.stored_name for found in batch]
        known = {name for name, in Attachment.select(Attachment.stored_name)
                 .where(Attachment.stored_name.in_(names)).tuples()}
        for found in batch:
            if found.stored_name in known:
                if found.part:
                    done.finalized.extend(finalize(folder, [found.stored_name]))
            elif found.mtime < cutoff:
                Path(found.path).unlink(missing_ok=True)
                done.removed.append((os.path.relpath(found.path, folder), found.size))
    return done


def _stored_files(folder, cutoff):
    """The files under ``folder`` named as ``store`` names them that may need action:
    every ``.part`` file, and final files older than ``cutoff``. Walked with scandir, one
    subfolder at a time (a large folder is never listed whole)."""
    if not os.path.isdir(folder):
        return
    with os.scandir(folder) as subfolders:
        for subfolder in subfolders:
            if not (subfolder.is_dir(follow_symlinks=False) and len(subfolder.name) == 2):
                continue
            with os.scandir(subfolder.path) as entries:
                for entry in entries:
                    stem = entry.name.removesuffix(PART)
                    if (not STORED_NAME.fullmatch(stem) or stem[:2] != subfolder.name
                            or not entry.is_file(follow_symlinks=False)):
                        continue
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:  # removed meanwhile
                        continue
                    part = entry.name.endswith(PART)
                    if part or stat.st_mtime < cutoff:
                        yield _Found(entry.path, stem, part, stat.st_size, stat.st_mtime)


def _batches(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
