"""The staff desk speaks Indonesian by default and English on request; staff alerts come
in each recipient's language."""
from helpdesk.models import OutboxMail

from conftest import desk_url


def test_the_desk_is_indonesian_by_default(client_of, citizen, agent, make_ticket):
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    queue = desk.get("/admin/ticket/?flt0_status=open").text
    for text in ("Daftar", "Tambah filter", "Pemohon", "Unit", "Ambil", "Tiket yang pernah saya tangani"):
        assert text in queue, text
    page = desk.get(desk_url(ticket)).text
    for text in ("Kirim balasan", "Catatan internal", "Pindahkan", "Ubah status"):
        assert text in page, text
    english = desk.get(desk_url(ticket) + "&lang=en").text
    for text in ("Post Reply", "Internal note", "Transfer", "Set status"):
        assert text in english, text
    assert f'href="/admin/ticket/details/?id={ticket.id}&amp;lang=id"' in english


def test_desk_pages_declare_their_language(client_of, citizen, agent, make_ticket):
    """Screen readers pick their voice from <html lang>."""
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    for url in ("/admin/", "/admin/ticket/?flt0_status=open", desk_url(ticket)):
        assert '<html lang="id">' in desk.get(url + ("&" if "?" in url else "?") + "lang=id").text
        assert '<html lang="en">' in desk.get(url + ("&" if "?" in url else "?") + "lang=en").text


def test_the_desk_home_counts_what_waits(client_of, citizen, agent, make_ticket):
    make_ticket(citizen)
    make_ticket(citizen)
    home = client_of(agent).get("/admin/").text
    assert 'count-none">2<' in home and 'count-mine">0<' in home


def test_staff_alerts_use_each_recipients_language(make_user, citizen, make_ticket):
    make_user("english@kemensos.go.id", roles=["agent"], departments=["Tim SIKS-NG"],
              locale="en")
    make_user("indo@kemensos.go.id", roles=["agent"], departments=["Tim SIKS-NG"])
    make_ticket(citizen)
    english = OutboxMail.get(recipient="english@kemensos.go.id")
    indonesian = OutboxMail.get(recipient="indo@kemensos.go.id")
    assert "New ticket for Tim SIKS-NG" in english.subject
    assert "Open the ticket in the staff desk" in english.body_text
    assert "Tim SIKS-NG" in indonesian.subject and "New ticket" not in indonesian.subject


def test_flask_admins_counted_messages_are_indonesian_too(client_of, supervisor):
    from helpdesk.models import CannedResponse

    from conftest import csrf_from
    ids = [str(CannedResponse.create(title=f"Jawaban {n}", body="Isi").id) for n in range(3)]
    desk = client_of(supervisor)
    token = csrf_from(desk.get("/admin/canned/").text)
    page = desk.post("/admin/canned/action/", data={"csrf_token": token, "action": "delete",
                                                    "rowid": ids}, follow_redirects=True)
    assert "3 data berhasil dihapus." in page.text
    assert CannedResponse.select().count() == 0
