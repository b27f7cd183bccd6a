"""Upload files reach their final name only once their change is saved; what a killed
process leaves behind is finalized or removed by ``clean-uploads`` and the app's cleaner."""
import os
import time
from pathlib import Path

import pytest

from helpdesk import uploads
from helpdesk.models import Attachment, Ticket, TicketStatus

from conftest import csrf_from, login
from samples import PDF, PNG, upload
from test_uploads import check

HOURS = 3600


def files_in(app):
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def leftover(app, data=PDF, part=True, age=2 * HOURS):
    """A file as a killed process leaves it: stored, never named by a saved change."""
    folder = app.config["UPLOAD_FOLDER"]
    name, _ = uploads.store(check("bukti.png" if data == PNG else "surat.pdf", data), folder)
    if not part:
        uploads.finalize(folder, [name])
    path = (uploads.part_of if part else uploads.path_of)(folder, name)
    when = time.time() - age
    os.utime(path, (when, when))
    return f"{name[:2]}/{path.name}"


def saved_but_not_renamed(app, make_ticket, citizen):
    """A ticket whose attachment row is saved while its file still has the temporary
    name: the process died between the commit and the rename."""
    ticket = make_ticket(citizen, files=[check("bukti.png", PNG)])
    attachment = Attachment.get(Attachment.ticket == ticket)
    folder = app.config["UPLOAD_FOLDER"]
    os.replace(uploads.path_of(folder, attachment.stored_name),
               uploads.part_of(folder, attachment.stored_name))
    return ticket, attachment


def test_a_saved_change_leaves_only_final_names(app, make_ticket, citizen):
    make_ticket(citizen, files=[check("surat.pdf", PDF), check("bukti.png", PNG)])
    names = {a.stored_name for a in Attachment.select()}
    assert files_in(app) == sorted(f"{n[:2]}/{n}" for n in names)


def test_a_refused_change_leaves_no_file(app, client, citizen, make_ticket):
    ticket = make_ticket(citizen)
    Ticket.update(status=TicketStatus.CLOSED).where(Ticket.id == ticket.id).execute()
    login(client, citizen)
    token = csrf_from(client.get("/tickets/new").text)
    response = client.post(f"/tickets/{ticket.number}", content_type="multipart/form-data",
                           data={"csrf_token": token, "message": "Halo?",
                                 "attachments": [upload("surat.pdf", PDF)]})
    assert response.status_code == 200 and "ditutup" in response.text
    assert files_in(app) == [] and Attachment.select().count() == 0


def test_leftovers_older_than_an_hour_go_and_saved_files_are_finalized(app, make_ticket,
                                                                       citizen):
    old_part = leftover(app)
    old_final = leftover(app, data=PNG, part=False)
    young_part = leftover(app, age=10 * 60)
    young_final = leftover(app, part=False, age=10 * 60)
    kept = make_ticket(citizen, subject="Sudah tersimpan", files=[check("surat.pdf", PDF)])
    kept_file = Attachment.get(Attachment.ticket == kept).stored_name
    _, unrenamed = saved_but_not_renamed(app, make_ticket, citizen)
    foreign = Path(app.config["UPLOAD_FOLDER"]) / "README.txt"
    foreign.write_text("not ours")

    with app.app_context():
        done = uploads.clean_leftovers(app.config["UPLOAD_FOLDER"])

    assert sorted(done.removed) == sorted([(old_part, len(PDF)), (old_final, len(PNG))])
    assert done.removed_bytes == len(PDF) + len(PNG)
    assert done.finalized == [unrenamed.stored_name]
    assert files_in(app) == sorted([
        "README.txt", young_part, young_final, f"{kept_file[:2]}/{kept_file}",
        f"{unrenamed.stored_name[:2]}/{unrenamed.stored_name}"])
    assert uploads.path_of(app.config["UPLOAD_FOLDER"], unrenamed.stored_name).read_bytes() \
        == PNG


def test_rows_are_looked_up_in_batches(app, make_ticket, citizen, monkeypatch):
    monkeypatch.setattr(uploads, "LOOKUP_BATCH", 2)
    orphans = [leftover(app) for _ in range(5)]
    _, unrenamed = saved_but_not_renamed(app, make_ticket, citizen)
    with app.app_context():
        done = uploads.clean_leftovers(app.config["UPLOAD_FOLDER"])
    assert sorted(path for path, _ in done.removed) == sorted(orphans)
    assert done.finalized == [unrenamed.stored_name]


def test_with_no_upload_folder_there_is_nothing_to_do(app):
    with app.app_context():
        done = uploads.clean_leftovers(app.config["UPLOAD_FOLDER"] + "-missing")
    assert (done.removed, done.finalized) == ([], [])


def test_a_download_finalizes_a_saved_file_left_with_its_temporary_name(app, client, citizen,
                                                                        make_ticket):
    ticket, attachment = saved_but_not_renamed(app, make_ticket, citizen)
    login(client, citizen)
    response = client.get(f"/tickets/{ticket.number}/files/{attachment.id}")
    assert response.status_code == 200 and response.data == PNG
    assert files_in(app) == [f"{attachment.stored_name[:2]}/{attachment.stored_name}"]


def test_the_command_reports_what_it_removed(app, runner, make_ticket, citizen):
    orphan = leftover(app)
    young = leftover(app, age=5 * 60)
    _, unrenamed = saved_but_not_renamed(app, make_ticket, citizen)
    result = runner.invoke(args=["clean-uploads"])
    assert result.exit_code == 0, result.output
    assert f"{orphan} dihapus ({len(PDF)} bita)" in result.output
    assert f"{unrenamed.stored_name} dirampungkan" in result.output
    assert f"1 berkas dihapus, {len(PDF)} bita; 1 dirampungkan" in result.output
    assert young in files_in(app)

    result = runner.invoke(args=["clean-uploads", "--older-than", "0"])
    assert f"{young} dihapus ({len(PDF)} bita)" in result.output
    assert "1 berkas dihapus" in result.output
    assert young not in files_in(app)


@pytest.fixture
def cleaning_often(config):
    config["UPLOAD_CLEAN_SECONDS"] = 0.2


def test_the_app_cleans_on_its_own_once_serving(cleaning_often, app, client):
    orphan = leftover(app)
    client.get("/")  # the first request starts the cleaner
    deadline = time.monotonic() + 30
    while orphan in files_in(app) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert orphan not in files_in(app)


def test_the_cleaner_can_be_turned_off(app):
    assert "upload_cleaner" not in app.extensions  # the suite's default: 0
