"""The staff desk's actions, each through the lifecycle: claim, release, Post Reply,
internal notes, transfer, assign, set status; with the e-mails they send."""
import json

from helpdesk.models import (OutboxMail, Ticket, TicketEvent, TicketParticipant, ThreadEntry,
                             utcnow)

from conftest import body_of, desk_post, desk_url, links_in
from samples import PDF, upload


def events_of(ticket):
    return [(e.kind, json.loads(e.detail) if e.detail.startswith("{") else e.detail)
            for e in TicketEvent.select().where(TicketEvent.ticket == ticket)
            .order_by(TicketEvent.id)]


def mails_to(address):
    return list(OutboxMail.select().where(OutboxMail.recipient == address))


# --- claim and release ------------------------------------------------------------------

def test_claim_from_the_ticket_page(client_of, citizen, agent, make_ticket):
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    response = desk_post(desk, ticket, "claim")
    assert response.status_code == 302
    assert Ticket.get_by_id(ticket.id).assignee_id == agent.id
    assert events_of(ticket)[-1] == ("claimed", "")
    page = desk.get(desk_url(ticket)).text
    assert "kini Anda tangani" in page or "You now have ticket" in page
    assert f'ticket-assignee">{agent}' in page.replace("\n", "")


def test_a_claimed_ticket_cannot_be_claimed_again(client_of, citizen, agent, colleague,
                                                  make_ticket):
    ticket = make_ticket(citizen)
    desk_post(client_of(agent), ticket, "claim")
    other = client_of(colleague)
    response = desk_post(other, ticket, "claim")
    assert response.status_code == 302
    assert Ticket.get_by_id(ticket.id).assignee_id == agent.id
    page = other.get(response.headers["Location"]).text
    assert f"already claimed by {agent}" in page or f"sudah diambil oleh {agent}" in page
    assert [k for k, _ in events_of(ticket)].count("claimed") == 1


def test_bulk_claim_from_the_queue_says_what_happened(client_of, citizen, agent, colleague,
                                                      make_ticket):
    first, second = make_ticket(citizen, subject="Satu"), make_ticket(citizen, subject="Dua")
    desk_post(client_of(colleague), second, "claim")
    desk = client_of(agent)
    queue = desk.get("/admin/ticket/?flt0_status=open&lang=en").text
    from conftest import csrf_from
    response = desk.post("/admin/ticket/action/", data={
        "csrf_token": csrf_from(queue), "action": "claim",
        "rowid": [str(first.id), str(second.id)], "url": "/admin/ticket/?flt0_status=open"},
        follow_redirects=True)
    assert "1 ticket claimed." in response.text
    assert f"already claimed by {colleague}" in response.text
    assert Ticket.get_by_id(first.id).assignee_id == agent.id
    assert Ticket.get_by_id(second.id).assignee_id == colleague.id


def test_release_gives_the_ticket_back(client_of, citizen, agent, colleague, make_ticket):
    ticket = make_ticket(citizen)
    desk_post(client_of(agent), ticket, "claim")
    desk_post(client_of(colleague), ticket, "release")  # not theirs: refused
    assert Ticket.get_by_id(ticket.id).assignee_id == agent.id
    desk_post(client_of(agent), ticket, "release")
    assert Ticket.get_by_id(ticket.id).assignee_id is None
    assert [k for k, _ in events_of(ticket)] == ["opened", "claimed", "released"]


# --- Post Reply ---------------------------------------------------------------------------

def test_post_reply_mails_the_citizen_with_a_link_to_the_reply(
        app, client, client_of, citizen, agent, make_ticket, mailbox):
    from conftest import login
    ticket = make_ticket(citizen, subject="Gagal sinkron data")
    desk = client_of(agent)
    response = desk_post(desk, ticket, "reply", message="Silakan coba lagi <b>sekarang</b>.",
                         files=[upload("panduan.pdf", PDF)])
    assert response.status_code == 302, response.text
    saved = Ticket.get_by_id(ticket.id)
    assert saved.first_response_at is not None and saved.assignee_id == agent.id
    assert ("claimed", {"via": "reply"}) in events_of(ticket)

    [mail] = [m for m in mailbox.to(citizen.email, count=2) if "Balasan" in m["Subject"]]
    assert mail["Subject"] == f"[#{ticket.number}] Balasan untuk tiket Anda: Gagal sinkron data"
    assert mail["In-Reply-To"] == f"<ticket-{ticket.number}@kemensos.go.id>"
    assert mail["References"] == mail["In-Reply-To"]
    text = body_of(mail)
    assert "Silakan coba lagi <b>sekarang</b>." in text and "panduan.pdf" in text
    assert "Lihat perkembangan tiket ini secara daring" in text \
        or "View this ticket's progress online" in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "&lt;b&gt;sekarang&lt;/b&gt;" in html and "<b>sekarang</b>" not in html

    link = [u for u in links_in(mail) if f"/tickets/{ticket.number}" in u][0]
    path = link.split("localhost", 1)[-1]
    assert client.get(path).status_code == 302  # sign in first
    login(client, citizen)
    page = client.get(path)
    assert page.status_code == 200
    assert "Silakan coba lagi &lt;b&gt;sekarang&lt;/b&gt;." in page.text
    assert "panduan.pdf" in page.text


def test_first_response_time_is_kept_from_the_first_reply(client_of, citizen, agent,
                                                          make_ticket):
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    desk_post(desk, ticket, "reply", message="Pertama.")
    first = Ticket.get_by_id(ticket.id).first_response_at
    desk_post(desk, ticket, "reply", message="Kedua.")
    assert Ticket.get_by_id(ticket.id).first_response_at == first


def test_reply_with_status_resolved_tells_the_citizen(client_of, citizen, agent, make_ticket,
                                                      mailbox):
    ticket = make_ticket(citizen)
    desk_post(client_of(agent), ticket, "reply", message="Sudah diperbaiki.", status="resolved")
    saved = Ticket.get_by_id(ticket.id)
    assert saved.status == "resolved" and saved.resolved_at is not None
    assert "resolved" in [k for k, _ in events_of(ticket)]
    mail = mailbox.to(citizen.email, count=2)[-1]
    assert "Selesai" in body_of(mail) and "Apakah masalah Anda sudah selesai?" in body_of(mail)


def test_canned_response_is_used_when_the_reply_is_left_empty(client_of, citizen, agent,
                                                            make_ticket):
    from helpdesk.models import CannedResponse, Department
    canned = CannedResponse.create(title="Reset sandi", body="Silakan gunakan menu Lupa Sandi.")
    CannedResponse.create(title="Lain", body="Untuk tim lain.",
                          department=Department.get(name="Tim Email"))
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    page = desk.get(desk_url(ticket)).text
    assert "Reset sandi" in page and "Untuk tim lain." not in page
    desk_post(desk, ticket, "reply", canned=str(canned.id), message="")
    assert ThreadEntry.select().where(ThreadEntry.kind == "response").get().body == canned.body


def test_an_empty_reply_is_refused_and_nothing_is_sent(client_of, citizen, agent, make_ticket):
    ticket = make_ticket(citizen)
    before = OutboxMail.select().count()
    response = desk_post(client_of(agent), ticket, "reply", message="   ", status="closed")
    assert response.status_code == 200
    assert "Tulis balasannya" in response.text or "Please write the reply." in response.text
    assert Ticket.get_by_id(ticket.id).status == "open"
    assert OutboxMail.select().count() == before


# --- internal notes -------------------------------------------------------------------------

def test_internal_notes_never_reach_the_citizen(client, client_of, citizen, agent,
                                               make_ticket, mailbox):
    from conftest import login
    ticket = make_ticket(citizen)
    mailbox.to(citizen.email)  # the receipt
    desk = client_of(agent)
    desk_post(desk, ticket, "note", message="Catatan rahasia: cek server B.",
              files=[upload("log.pdf", PDF)])
    desk_post(desk, ticket, "reply", message="Sedang kami periksa.")
    assert "Catatan rahasia" in desk.get(desk_url(ticket)).text

    mails = mailbox.to(citizen.email, count=2)
    assert all("Catatan rahasia" not in m.as_string() and "log.pdf" not in m.as_string()
               for m in mails)
    assert not any("Catatan rahasia" in m.body_text for m in mails_to(citizen.email))
    login(client, citizen)
    page = client.get(f"/tickets/{ticket.number}").text
    assert "Sedang kami periksa." in page
    assert "Catatan rahasia" not in page and "log.pdf" not in page
    note_file = ThreadEntry.get(kind="note").attachments[0]
    assert client.get(f"/tickets/{ticket.number}/files/{note_file.id}").status_code == 404
    assert desk.get(f"/tickets/{ticket.number}/files/{note_file.id}").data == PDF


# --- transfer -------------------------------------------------------------------------------

def test_transfer_moves_the_ticket_and_alerts_the_new_department(
        client_of, citizen, agent, colleague, data_agent, make_ticket, mailbox):
    from helpdesk.models import Department
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    desk_post(desk, ticket, "claim")
    target = Department.get(name="Tim Data Terpadu")
    response = desk_post(desk, ticket, "transfer", department=str(target.id),
                         comment="Masalah ada di data DTKS.")
    assert response.status_code == 302
    saved = Ticket.get_by_id(ticket.id)
    assert saved.department_id == target.id and saved.assignee_id is None
    assert ("transferred", {"source": "Tim SIKS-NG", "target": "Tim Data Terpadu",
                            "comment": "Masalah ada di data DTKS."}) in events_of(ticket)

    alert = mailbox.to(data_agent.email)[-1]
    assert f"[#{ticket.number}]" in alert["Subject"]
    assert "Masalah ada di data DTKS." in body_of(alert)
    assert any(f"/admin/ticket/details/?id={ticket.id}" in u for u in links_in(alert))

    # The new department sees it and can act on it.
    other = client_of(data_agent)
    page = other.get(desk_url(ticket)).text
    assert "Tim SIKS-NG" in page and "Tim Data Terpadu" in page and "Masalah ada di data DTKS." in page
    assert desk_post(other, ticket, "claim").status_code == 302
    assert Ticket.get_by_id(ticket.id).assignee_id == data_agent.id

    # The one who transferred it still reads it, read-only; a colleague who never touched it
    # no longer sees it.
    page = desk.get(desk_url(ticket))
    assert page.status_code == 200 and "read-only" in page.text and 'id="reply"' not in page.text
    refused = desk_post(desk, ticket, "note", message="Masih saya pantau.")
    assert refused.status_code == 302
    assert "unit lain" in desk.get(refused.headers["Location"]).text
    assert not ThreadEntry.select().where(ThreadEntry.kind == "note").exists()
    worked_on = desk.get("/admin/ticket/?flt0_status=any&flt1_worked_on=me").text
    assert f"#{ticket.number}<" in worked_on
    assert f"#{ticket.number}<" not in desk.get("/admin/ticket/?flt0_status=any").text
    assert client_of(colleague).get(desk_url(ticket)).status_code == 404


def test_transfer_needs_a_reason_and_keeps_what_was_typed(client_of, citizen, agent,
                                                          make_ticket):
    from helpdesk.models import Department
    ticket = make_ticket(citizen)
    target = Department.get(name="Tim Email")
    response = desk_post(client_of(agent), ticket, "transfer", department=str(target.id),
                         comment="  ")
    assert response.status_code == 200
    assert "Sebutkan alasan" in response.text or "Please say why" in response.text
    assert f'<option selected value="{target.id}">' in response.text \
        or f'value="{target.id}" selected' in response.text
    assert Ticket.get_by_id(ticket.id).department.name == "Tim SIKS-NG"


def test_transferring_a_resolved_ticket_reopens_it(client_of, citizen, agent, make_ticket):
    from helpdesk.models import Department
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    desk_post(desk, ticket, "status", status="resolved")
    desk_post(desk, ticket, "transfer", department=str(Department.get(name="Tim Email").id),
              comment="Ternyata soal email.")
    saved = Ticket.get_by_id(ticket.id)
    assert saved.status == "open" and saved.resolved_at is None
    assert ("reopened", {"reason": "transfer"}) in events_of(ticket)


# --- assign ---------------------------------------------------------------------------------

def test_supervisor_assigns_an_agent_who_is_alerted(client_of, citizen, agent, supervisor,
                                                   make_ticket, mailbox):
    ticket = make_ticket(citizen)
    boss = client_of(supervisor)
    assert 'id="assign"' in boss.get(desk_url(ticket)).text
    desk_post(boss, ticket, "assign", agent=str(agent.id))
    assert Ticket.get_by_id(ticket.id).assignee_id == agent.id
    assert ("assigned", {"name": str(agent)}) in events_of(ticket)
    alert = [m for m in mailbox.to(agent.email, count=2) if "Sari Supervisor" in body_of(m)
             or "Sari Supervisor" in m["Subject"]]
    assert alert


def test_agents_cannot_assign_and_outsiders_cannot_be_assigned(
        client_of, citizen, agent, data_agent, supervisor, make_ticket):
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    assert 'id="assign"' not in desk.get(desk_url(ticket)).text
    desk_post(desk, ticket, "assign", agent=str(agent.id))
    response = desk_post(client_of(supervisor), ticket, "assign", agent=str(data_agent.id))
    assert response.status_code == 200
    assert "Silakan pilih salah satu petugas unit ini." in response.text
    assert Ticket.get_by_id(ticket.id).assignee_id is None


# --- status ---------------------------------------------------------------------------------

def test_resolve_then_close_records_times_and_mails_the_citizen(client_of, citizen, agent,
                                                                make_ticket, mailbox):
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    desk_post(desk, ticket, "status", status="resolved", comment="Akun sudah aktif.")
    resolved = Ticket.get_by_id(ticket.id)
    assert resolved.status == "resolved" and resolved.resolved_at is not None
    mail = mailbox.to(citizen.email, count=2)[-1]
    assert "Akun sudah aktif." in body_of(mail) and "Selesai" in body_of(mail)

    desk_post(desk, ticket, "status", status="closed")
    closed = Ticket.get_by_id(ticket.id)
    assert closed.status == "closed" and closed.closed_at is not None
    assert closed.resolved_at == resolved.resolved_at
    # (the fourth mail invites to the satisfaction survey)
    [status_mail] = [m for m in mailbox.to(citizen.email, count=4) if "Ditutup" in m["Subject"]]
    assert "Ditutup" in body_of(status_mail)
    assert [k for k, _ in events_of(ticket)][-2:] == ["resolved", "closed"]


def test_citizen_reply_reopens_a_resolved_ticket_and_alerts_the_assignee(
        client, client_of, citizen, agent, make_ticket, mailbox):
    from conftest import csrf_from, login
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    desk_post(desk, ticket, "claim")
    desk_post(desk, ticket, "status", status="resolved")
    login(client, citizen)
    token = csrf_from(client.get(f"/tickets/{ticket.number}").text)
    client.post(f"/tickets/{ticket.number}", data={"csrf_token": token,
                                                   "message": "Masih gagal, Pak."})
    assert Ticket.get_by_id(ticket.id).status == "open"
    assert ("reopened", {"reason": "reply"}) in events_of(ticket)
    alert = [m for m in mailbox.to(agent.email, count=2) if "Masih gagal, Pak." in body_of(m)]
    assert alert and "dibuka kembali" in alert[0]["Subject"]
    assert "dibuka kembali oleh balasan pemohon" in desk.get(desk_url(ticket)).text.lower()


def test_a_closed_ticket_refuses_the_citizen_and_points_to_a_new_ticket(
        client, client_of, citizen, agent, make_ticket):
    from conftest import csrf_from, login
    ticket = make_ticket(citizen)
    desk_post(client_of(agent), ticket, "status", status="closed")
    login(client, citizen)
    token = csrf_from(client.get(f"/tickets/{ticket.number}?lang=en").text)
    page = client.post(f"/tickets/{ticket.number}", data={"csrf_token": token,
                                                          "message": "Halo?"},
                       follow_redirects=True)
    assert f"Please open a new ticket and mention #{ticket.number}" in page.text
    assert ThreadEntry.select().count() == 1


def test_new_tickets_alert_the_departments_agents(citizen, agent, colleague, data_agent,
                                                  make_ticket, mailbox):
    ticket = make_ticket(citizen, subject="Aplikasi error 500")
    for person in (agent, colleague):
        alert = mailbox.to(person.email)[-1]
        assert alert["Subject"] == \
            f"[#{ticket.number}] Tiket baru untuk Tim SIKS-NG: Aplikasi error 500"
        assert "Sejak pagi gagal masuk." in body_of(alert)
    assert mails_to(data_agent.email) == []


def test_every_action_remembers_who_worked_on_the_ticket(client_of, citizen, agent,
                                                         make_ticket):
    ticket = make_ticket(citizen)
    desk_post(client_of(agent), ticket, "note", message="Dicek.")
    assert TicketParticipant.select().where(TicketParticipant.user == agent.id).count() == 1
    assert utcnow() >= Ticket.get_by_id(ticket.id).created_at


def test_a_note_by_someone_else_alerts_the_assignee(client_of, citizen, agent, colleague,
                                                    make_ticket):
    ticket = make_ticket(citizen)
    desk_post(client_of(agent), ticket, "claim")
    desk_post(client_of(agent), ticket, "note", message="Catatan sendiri.")
    desk_post(client_of(colleague), ticket, "note", message="Sudah saya cek log-nya.")
    alerts = [m for m in mails_to(agent.email) if m.kind == "ticket_note_staff"]
    assert len(alerts) == 1 and "Sudah saya cek log-nya." in alerts[0].body_text
    assert not [m for m in mails_to(citizen.email) if "log-nya" in m.body_text]


def test_a_supervisors_reply_leaves_the_ticket_unassigned(client_of, citizen, supervisor,
                                                          make_ticket):
    ticket = make_ticket(citizen)
    desk_post(client_of(supervisor), ticket, "reply", message="Kami bantu cek.")
    saved = Ticket.get_by_id(ticket.id)
    assert saved.assignee_id is None and saved.first_response_at is not None


def test_the_citizen_sees_status_changes_and_their_comment_but_not_transfers(
        client, client_of, make_user, citizen, agent, make_ticket):
    from conftest import login
    from helpdesk.models import Department
    mail_agent = make_user("surel@kemensos.go.id", roles=["agent"], departments=["Tim Email"])
    ticket = make_ticket(citizen)
    desk_post(client_of(agent), ticket, "transfer",
              department=str(Department.get(name="Tim Email").id), comment="Alasan internal.")
    desk_post(client_of(mail_agent), ticket, "status", status="resolved",
              comment="Kotak surat sudah diperbesar.")
    login(client, citizen)
    page = client.get(f"/tickets/{ticket.number}?lang=en").text
    assert "The helpdesk marked this ticket resolved. Kotak surat sudah diperbesar." in page
    assert "Alasan internal." not in page and "Tim Email" not in page
    assert "Transferred" not in page
