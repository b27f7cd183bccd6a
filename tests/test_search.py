"""Full-text search: staff find a ticket by any word of its subject, messages, responses
and notes; a citizen searches only their own tickets and what they can read; numbers and
e-mail addresses still match exactly; the index follows replies and transfers and is
rebuilt by its migration."""
import importlib
import re

import pytest

from helpdesk import lifecycle, search
from helpdesk.db import db
from helpdesk.models import Department

from test_desk_queue import numbers_on

QUEUE = "/admin/ticket/?flt0_status=any&search="


@pytest.fixture
def thread(app, citizen, other_citizen, agent, make_ticket):
    with app.test_request_context():
        mine = make_ticket(citizen, subject="Tidak bisa login",
                           message="Muncul pesan kesalahan otorisasi di layar.")
        lifecycle.respond(mine, by=agent, message="Silakan hapus tembolok peramban.")
        lifecycle.add_note(mine, by=agent, message="Akun terkunci di server direktori.")
        theirs = make_ticket(other_citizen, subject="Data ganda",
                             message="Nama saya tercatat dua kali, otorisasi gagal juga.")
    return {"mine": mine, "theirs": theirs}


@pytest.mark.parametrize("words,found", [
    ("otorisasi", {"mine", "theirs"}),  # in both citizens' first messages
    ("tembolok", {"mine"}),  # a response
    ("direktori", {"mine"}),  # an internal note
    ("terkunci server", {"mine"}),  # every word, in any order
    ("otoris", {"mine", "theirs"}),  # the beginning of a word
    ("ganda", {"theirs"}),  # a subject
    ("gan", {"theirs"}),  # three letters begin a word
    ("ga", set()),  # two are a whole word
    ("tidakada", set()),
])
def test_staff_find_words_of_every_entry(client_of, supervisor, thread, words, found):
    page = client_of(supervisor).get(QUEUE + words).text
    assert numbers_on(page) == {thread[name].number for name in found}


@pytest.fixture
def affixed(app, citizen, agent, make_ticket):
    with app.test_request_context():
        paid = make_ticket(citizen, subject="Bantuan belum masuk",
                           message="Saya sudah bayar iuran bulan lalu.")
        sent = make_ticket(citizen, subject="Kartu", message="Kapan kartunya kirim ke alamat?")
        lifecycle.respond(sent, by=agent, message="Petugas Café Sosial menunggu di loket.")
    return {"paid": paid, "sent": sent}


@pytest.mark.parametrize("words,found", [
    ("pembayaran", {"paid"}),  # "bayar" with pe-an
    ("dibayarkan", {"paid"}),
    ("dikirimkan", {"sent"}),  # "kirim" with di-kan
    ("terkirim", {"sent"}),
    ("kartu", {"sent"}),  # "kartunya" without -nya
    ("cafe", {"sent"}),  # accents folded both ways
    ("Café", {"sent"}),
    ("CAFÉ sosial", {"sent"}),
    ("pembayaran kirim", set()),  # every word in one entry
])
def test_words_are_found_with_and_without_their_affixes_and_accents(
        client_of, supervisor, citizen, affixed, words, found):
    wanted = {affixed[name].number for name in found}
    assert numbers_on(client_of(supervisor).get(QUEUE + words).text) == wanted
    assert my_search(client_of(citizen), words) == wanted


def test_numbers_and_addresses_still_match_exactly(client_of, supervisor, thread):
    desk = client_of(supervisor)
    number = thread["mine"].number
    assert numbers_on(desk.get(f"{QUEUE}%23{number}").text) == {number}
    assert numbers_on(desk.get(QUEUE + "tetangga@contoh").text) == {thread["theirs"].number}


def my_search(client, words):
    page = client.get(f"/tickets/?q={words}").text
    return {int(n) for n in re.findall(r'href="/tickets/(\d+)"', page)}


def test_a_citizen_searches_only_their_tickets_and_public_entries(client_of, citizen, thread):
    browser = client_of(citizen)
    mine = {thread["mine"].number}
    assert my_search(browser, "otorisasi") == mine  # not the other citizen's ticket
    assert my_search(browser, "tembolok") == mine  # a response to them
    assert my_search(browser, "direktori") == set()  # an internal note
    assert my_search(browser, thread["theirs"].number) == set()
    assert my_search(browser, thread["mine"].number) == mine
    assert "Tidak ada tiket Anda yang cocok" in browser.get("/tickets/?q=direktori").text


def test_the_index_follows_replies_and_transfers(app, client_of, citizen, supervisor,
                                                 data_agent, thread):
    with app.test_request_context():
        lifecycle.reply(thread["mine"], by=citizen, message="Sudah dicoba, tetap gagal sinyal.")
        lifecycle.transfer(thread["mine"], by=supervisor, comment="Masalah data.",
                           to=Department.get(name="Tim Data Terpadu"))
    assert my_search(client_of(citizen), "sinyal") == {thread["mine"].number}
    assert numbers_on(client_of(data_agent).get(QUEUE + "direktori").text) == \
        {thread["mine"].number}


def test_the_migration_builds_the_index_for_existing_tickets(app, client_of, supervisor,
                                                             thread):
    with app.app_context(), db.database.connection_context():
        search.drop_tables()
        migration = importlib.import_module("helpdesk.migrations.0013_search_stems")
        migration.up(None, db.database)
    page = client_of(supervisor).get(QUEUE + "direktori").text
    assert numbers_on(page) == {thread["mine"].number}
    page = client_of(supervisor).get(QUEUE + "terkuncinya").text  # stems, after the migration
    assert numbers_on(page) == {thread["mine"].number}
