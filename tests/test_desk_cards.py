"""The ticket page's action cards: a blank card is kept once rendered, so these check that
what it offers still follows the directory and the page's language, and that its form,
sent from the page as shown, is accepted."""
import re

from helpdesk.models import CannedResponse, Department, Ticket, User

from conftest import desk_url


def test_the_cards_offer_what_the_directory_holds_now(client_of, citizen, supervisor,
                                                      make_user, make_ticket):
    ticket = make_ticket(citizen)
    desk = client_of(supervisor)
    page = desk.get(desk_url(ticket)).text
    assert "Tim Arsip Baru" not in page and "Salam pembuka" not in page
    Department.create(name="Tim Arsip Baru", email="arsip@kemensos.go.id")
    CannedResponse.create(title="Salam pembuka", body="Terima kasih telah menghubungi kami.")
    make_user("dewi@kemensos.go.id", roles=["agent"], departments=["Tim SIKS-NG"],
              full_name="Dewi Petugas Baru")
    page = desk.get(desk_url(ticket)).text
    assert ">Tim Arsip Baru</option>" in page
    assert ">Salam pembuka</option>" in page
    assert ">Dewi Petugas Baru</option>" in page
    Department.update(name="Tim Arsip Lama").where(Department.name == "Tim Arsip Baru").execute()
    page = desk.get(desk_url(ticket)).text
    assert ">Tim Arsip Lama</option>" in page and "Tim Arsip Baru" not in page


def test_the_cards_offer_only_what_fits_the_ticket_each_list_in_order(
        client_of, citizen, supervisor, make_user, make_ticket):
    """Canned responses of the ticket's department or of none, the other active
    departments, the active agents of the ticket's department: each list by name."""
    ticket = make_ticket(citizen)  # in Tim SIKS-NG
    own = Department.get(Department.id == ticket.department_id)
    other = Department.create(name="Tim Arsip", email="arsip@kemensos.go.id")
    Department.create(name="Tim Lama", email="lama@kemensos.go.id", active=False)
    for title, department in [("Zona waktu", None), ("Akun terkunci", own),
                              ("Hanya arsip", other), ("Berkas rusak", own)]:
        CannedResponse.create(title=title, body=f"Isi {title}.", department=department)
    CannedResponse.create(title="Tidak dipakai", body="Lama.", active=False)
    for name, department in [("Wulan Petugas", own.name), ("Bayu Petugas", own.name),
                             ("Citra Arsip", other.name)]:
        make_user(f"{name.split()[0].lower()}@kemensos.go.id", roles=["agent"],
                  departments=[department], full_name=name)
    gone = make_user("anton@kemensos.go.id", roles=["agent"], departments=[own.name],
                     full_name="Anton Lama")
    User.update(active=False).where(User.id == gone.id).execute()
    page = client_of(supervisor).get(desk_url(ticket)).text

    def offered(card):
        form = page[page.index(f'id="{card}"'):page.index("</form>", page.index(f'id="{card}"'))]
        return re.findall(r'<option[^>]* value="\d+"[^>]*>([^<]+)</option>', form)

    assert offered("reply") == ["Akun terkunci", "Berkas rusak", "Zona waktu"]
    departments = offered("transfer")
    assert "Tim Arsip" in departments and own.name not in departments
    assert "Tim Lama" not in departments and departments == sorted(departments)
    assert offered("assign") == ["Bayu Petugas", "Wulan Petugas"]
    assert 'data-body="Isi Akun terkunci."' in page


def test_the_cards_follow_the_language_and_the_tickets_status(client_of, citizen, agent,
                                                              make_ticket):
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    assert "Transfer to department" not in desk.get(desk_url(ticket) + "&lang=id").text
    english = desk.get(desk_url(ticket) + "&lang=en").text
    assert "Transfer to department" in english
    assert 'value="open"' not in _status_card(english)
    Ticket.update(status="pending").where(Ticket.id == ticket.id).execute()
    card = _status_card(desk.get(desk_url(ticket)).text)
    assert 'value="open"' in card and 'value="pending"' not in card


def test_a_blank_card_sent_as_shown_is_accepted(client_of, citizen, agent, make_ticket):
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    for _ in range(2):  # the second page shows the card as kept
        page = desk.get(desk_url(ticket)).text
    token = re.search(r'name="note-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = desk.post(desk_url(ticket, "note"), data={
        "note-csrf_token": token, "note-message": "Dicek ke server, aman."})
    assert response.status_code == 302
    assert "Dicek ke server, aman." in desk.get(desk_url(ticket)).text
    refused = desk.post(desk_url(ticket, "note"), data={
        "note-csrf_token": "not-a-token", "note-message": "Tanpa token."})
    assert refused.status_code == 400 and "Tanpa token." not in desk.get(desk_url(ticket)).text


def _status_card(page):
    return page[page.index('id="status"'):page.index("</form>", page.index('id="status"'))]
