"""helpdesk.uploads on its own: what is accepted, what is refused and why, clean names,
and files stored under random names."""
import hashlib
import io
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

import hostile
from conftest import login
from helpdesk import archives, uploads
from helpdesk.models import Attachment, Ticket
from helpdesk.settings import DEFAULTS
from helpdesk.uploads import UploadRejected

from samples import DOCX, EXE, GOOD, HTML, ODT, OLE, PDF, PNG, TEXT, ZIP, zipped
from test_tickets import post_ticket

ALLOWED = set(DEFAULTS["UPLOAD_EXTENSIONS"])
MAX_SIZE = DEFAULTS["UPLOAD_MAX_FILE_SIZE"]
EXPECTED_TYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "gif": "image/gif", "doc": "application/msword", "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "txt": "text/plain", "csv": "text/csv", "zip": "application/zip",
}


def storage(name, data):
    return FileStorage(stream=io.BytesIO(data), filename=name)


def check(name, data, allowed=ALLOWED, max_size=MAX_SIZE):
    return uploads.check(storage(name, data), allowed, max_size)


def refusal(name, data, **kwargs):
    with pytest.raises(UploadRejected) as caught:
        check(name, data, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize("name", sorted(GOOD))
def test_every_good_kind_is_accepted(name):
    data = GOOD[name]
    checked = check(name, data)
    ext = name.rpartition(".")[2]
    assert checked.name == name and checked.kind == ext
    assert checked.content_type == EXPECTED_TYPES[ext]
    assert checked.size == len(data)
    assert checked.stream.read() == data  # handed back rewound, content intact


def test_extension_case_does_not_matter():
    checked = check("SURAT DINAS.PDF", PDF)
    assert checked.name == "SURAT DINAS.PDF"
    assert checked.content_type == "application/pdf"


MISLABELLED = {
    "html as png": ("halaman.png", HTML),
    "exe as pdf": ("surat.pdf", EXE),
    "pdf as docx": ("surat.docx", PDF),
    "docx as xlsx": ("data.xlsx", DOCX),
    "plain zip as docx": ("surat.docx", ZIP),
    "odt as ods": ("data.ods", ODT),
    "binary as txt": ("catatan.txt", b"abc\x00\x01\x02def"),
    "ole as pdf": ("surat.pdf", OLE),
    "png as jpg": ("foto.jpg", PNG),
    "text as zip": ("bukti.zip", TEXT),
    "broken zip as docx": ("surat.docx", b"PK\x03\x04 not really a zip"),
}


@pytest.mark.parametrize("name,data", MISLABELLED.values(), ids=MISLABELLED.keys())
def test_mislabelled_content_is_refused(name, data):
    message = refusal(name, data)
    assert name in message


@pytest.mark.parametrize("name", ["virus.exe", "halaman.html", "gambar.svg", "tanpa_ekstensi",
                                  "arsip.tar.gz"])
def test_disallowed_extension_is_refused_by_name(name):
    message = refusal(name, PDF)
    assert name in message
    assert "pdf" in message  # tells what is allowed


def test_extension_outside_the_configured_list_is_refused():
    message = refusal("surat.pdf", PDF, allowed={"png", "jpg"})
    assert "surat.pdf" in message


def test_empty_file_is_refused_by_name():
    assert "kosong.pdf" in refusal("kosong.pdf", b"")


def test_file_larger_than_the_limit_is_refused_by_name():
    limit = 1024 * 1024
    data = PDF + b"0" * limit
    message = refusal("besar.pdf", data, max_size=limit)
    assert "besar.pdf" in message


def test_file_of_exactly_the_limit_is_accepted():
    data = PDF + b"%" * 100
    assert check("pas.pdf", data, max_size=len(data)).size == len(data)


def test_windows_1252_text_is_accepted_as_csv():
    data = "Nama,Kota\nCaf\xe9 Sejahtera,Bogor\n".encode("cp1252")
    assert b"\xe9" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    checked = check("data.csv", data)
    assert checked.content_type == "text/csv" and checked.size == len(data)


def test_utf8_text_with_bom_is_accepted():
    data = "\ufeffNama,Alamat\nSiti,Jl. Merdeka\n".encode("utf-8")
    assert check("catatan.txt", data).content_type == "text/plain"


@pytest.mark.parametrize("given,expected", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\Laporan (1).pdf", "Laporan (1).pdf"),
    ("lap\x00or\nan\t\x7f.pdf", "laporan.pdf"),
    ("\u202egnp.exe", "gnp.exe"),
    (".htaccess", "htaccess"),
    ("..\\..\\.bashrc", "bashrc"),
    ("  surat.pdf  ", "surat.pdf"),
    ("文件.pdf", "文件.pdf"),
    ("ñandú.pdf", "ñandú.pdf"),
    ("Surat Dinas (1).pdf", "Surat Dinas (1).pdf"),
])
def test_clean_name(given, expected):
    assert uploads.clean_name(given) == expected


def test_clean_name_shortens_a_long_name_keeping_its_extension():
    name = "Laporan kegiatan " + "x" * 279 + ".pdf"
    assert len(name) == 300
    cleaned = uploads.clean_name(name)
    assert len(cleaned) <= 255
    assert cleaned.endswith(".pdf") and cleaned.startswith("Laporan kegiatan x")
    long_unicode = "文" * 296 + ".pdf"
    cleaned = uploads.clean_name(long_unicode)
    assert len(cleaned) <= 255 and cleaned.endswith(".pdf") and cleaned.startswith("文")


def test_clean_name_is_never_longer_than_255_even_when_the_last_dot_comes_early():
    """A long name whose only dot is near the start ("... tgl 12.03 ..."): the docstring
    promises at most 255 characters, and leading dots are meant to be stripped."""
    name = "Notulen rapat tgl 12.03 " + "membahas penyaluran bantuan " * 11
    assert len(name) > 255
    cleaned = uploads.clean_name(name)
    assert len(cleaned) <= 255
    assert not cleaned.startswith(".")


def test_a_long_name_is_shortened_in_check_too():
    name = "x" * 300 + ".pdf"
    checked = check(name, PDF)
    assert len(checked.name) <= 255 and checked.name.endswith(".pdf")


def stored_files(folder):
    return sorted(p for p in Path(folder).rglob("*") if p.is_file())


def test_store_writes_a_temporary_file_that_finalize_names(tmp_path):
    folder = tmp_path / "uploads"
    checked = check("Surat Dinas.pdf", PDF)
    stored_name, sha256 = uploads.store(checked, folder)
    assert re.fullmatch(r"[0-9a-f]{32}", stored_name)
    assert sha256 == hashlib.sha256(PDF).hexdigest()
    [path] = stored_files(folder)
    assert path == folder / stored_name[:2] / f"{stored_name}.part"
    assert path.read_bytes() == PDF

    assert uploads.finalize(folder, [stored_name]) == [stored_name]
    [path] = stored_files(folder)
    assert path == folder / stored_name[:2] / stored_name
    assert path == uploads.path_of(folder, stored_name)
    assert path.read_bytes() == PDF
    assert "Surat" not in str(path)
    assert uploads.finalize(folder, [stored_name]) == []  # already final: left as it is
    assert path.read_bytes() == PDF


def test_store_twice_gives_two_names_and_remove_deletes_both(tmp_path):
    folder = tmp_path / "uploads"
    first = uploads.store(check("layar.png", PNG), folder)
    second = uploads.store(check("layar.png", PNG), folder)
    assert first[0] != second[0]
    assert first[1] == second[1] == hashlib.sha256(PNG).hexdigest()
    assert [p.read_bytes() for p in stored_files(folder)] == [PNG, PNG]
    uploads.finalize(folder, [first[0]])
    assert {p.name for p in stored_files(folder)} == {first[0], f"{second[0]}.part"}

    uploads.remove(folder, [first[0], second[0]])  # final or temporary
    assert stored_files(folder) == []
    uploads.remove(folder, [first[0]])  # already gone: no error


def test_store_copies_a_large_file_completely(tmp_path):
    data = PDF + bytes(range(256)) * (3 * 1024 * 1024 // 256)  # several read chunks
    checked = check("besar.pdf", data)
    stored_name, sha256 = uploads.store(checked, tmp_path)
    uploads.finalize(tmp_path, [stored_name])
    assert uploads.path_of(tmp_path, stored_name).read_bytes() == data
    assert sha256 == hashlib.sha256(data).hexdigest()


# --- hostile archives: bounded inspection, a refusal naming the file, never a 500 ---------

HOSTILE = hostile.kinds()
ARCHIVE_REFUSAL = "tidak dapat diterima: arsipnya rusak, dilindungi kata sandi"


@pytest.mark.parametrize("kind", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_archive_is_refused_by_name(kind):
    name, data = HOSTILE[kind]
    assert len(data) < 1024 * 1024  # small on disk, whatever it claims to hold
    assert f"{name} cannot be accepted" in refusal(name, data)


@pytest.mark.parametrize("kind", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_archive_sent_from_the_portal_reshows_the_form(app, client, citizen, topic,
                                                                kind):
    name, data = HOSTILE[kind]
    login(client, citizen)
    response = post_ticket(client, topic, subject="Laporan dengan berkas",
                           files=[(name, data), ("surat.pdf", PDF)])
    assert response.status_code == 200
    assert f"{name} {ARCHIVE_REFUSAL}" in response.text
    assert "Laporan dengan berkas" in response.text  # the form is shown again, filled in
    assert Ticket.select().count() == 0 and Attachment.select().count() == 0
    assert stored_files(app.config["UPLOAD_FOLDER"]) == []


def test_an_archive_named_for_another_kind_still_says_so():
    assert "is not really a .docx file" in refusal("surat.docx", ZIP)


GOOD_ARCHIVES = {
    "odt with a deflated mimetype": ("laporan.odt", hostile.odt()),
    "zip of 5000 files": ("bukti.zip", zipped({f"foto/{i}.txt": "isi" for i in range(5000)})),
    "docx with a large compressible part": ("surat.docx", hostile._zip({
        "[Content_Types].xml": "<Types/>",
        "word/document.xml": "".join(f"<w:p>Penerima {i}: NIK 3201{i * 7919:012d}</w:p>"
                                     for i in range(60000))})),
}


@pytest.mark.parametrize("name,data", GOOD_ARCHIVES.values(), ids=GOOD_ARCHIVES.keys())
def test_ordinary_archives_pass_the_bounded_inspection(name, data):
    assert check(name, data).size == len(data)


def test_only_a_few_kb_of_a_member_are_ever_read():
    """A mimetype member larger than the read limit is not read at all: refused as not
    being what the name says, not inflated."""
    data = hostile.odt(b" " * (archives.MEMBER_READ + 10))
    assert "is not really a .odt file" in refusal("laporan.odt", data)


def test_long_text_is_checked_in_chunks():
    """Text longer than a read chunk, with a character split across the chunk boundary,
    is still text; a NUL byte far into the file is still found."""
    data = b"a" * (uploads.CHUNK - 1) + "é".encode() + b"b" * 100
    assert check("catatan.txt", data).size == len(data)
    assert "catatan.txt" in refusal("catatan.txt", b"a" * (uploads.CHUNK + 5) + b"\x00")
