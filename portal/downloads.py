"""Serving stored attachments: always as a download, never rendered by the browser."""
from flask import abort, current_app, send_file

from helpdesk import uploads


def send_attachment(attachment):
    folder = current_app.config["UPLOAD_FOLDER"]
    path = uploads.path_of(folder, attachment.stored_name)
    if not path.is_file():  # its row is saved: a process killed before the rename
        uploads.finalize(folder, [attachment.stored_name])
    if not path.is_file():
        abort(404)
    response = send_file(path, as_attachment=True, download_name=attachment.original_name,
                         mimetype="application/octet-stream", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
