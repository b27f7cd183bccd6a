"""The command-line tools: init-db and migrations, staff accounts, Flask-Security's own
commands, send-mail and demo-data."""
import hashlib
import re

import pytest
from peewee import PostgresqlDatabase

from helpdesk import migrations, uploads
from helpdesk.db import db
from helpdesk.models import (
    ALL_MODELS, AgentDepartment, Attachment, Department, HelpTopic, OutboxMail, Role,
    SchemaVersion, Ticket, TicketEvent, ThreadEntry, User, UserRoles)
from helpdesk.notifications import queue_rendered

from conftest import login

TOPIC_NAMES = ["Aplikasi SIKS-NG", "Bantuan Umum", "Data Terpadu", "Email Kemsos",
               "Internet/Jaringan"]
NEW_PASSWORD = "sandi-petugas-99"


def invoke(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def role_names(email):
    return {r.name for r in Role.select().join(UserRoles).join(User)
            .where(User.email == email)}


def department_names(email):
    return {d.name for d in Department.select().join(AgentDepartment).join(User)
            .where(User.email == email)}


# --- init-db and migrations -------------------------------------------------------------

@pytest.mark.alters_schema
def test_init_db_on_an_empty_database_then_again(app, runner):
    db.database.drop_tables(ALL_MODELS, safe=True,
                            cascade=isinstance(db.database, PostgresqlDatabase))
    assert not User.table_exists()

    first = invoke(runner, "init-db")
    assert first.exit_code == 0, first.output
    assert "Basis data siap" in first.output

    topics = list(HelpTopic.select().order_by(HelpTopic.name))
    assert [t.name for t in topics] == TOPIC_NAMES
    for t in topics:
        assert t.description.strip() and t.sla_hours == 48 and t.active
        assert t.department.name and t.department.active
    assert Department.select().count() == 5
    assert {r.name for r in Role.select()} == {"agent", "supervisor", "admin"}
    assert {v.name for v in SchemaVersion.select()} == set(migrations.migration_names())

    edited = "Hanya untuk SIKS-NG online; versi offline lewat Bantuan Umum."
    HelpTopic.update(description=edited).where(HelpTopic.name == "Aplikasi SIKS-NG").execute()
    counts = {m.__name__: m.select().count() for m in (HelpTopic, Department, Role)}

    second = invoke(runner, "init-db")
    assert second.exit_code == 0, second.output
    assert "tidak ada migrasi tertunda" in second.output
    assert {m.__name__: m.select().count() for m in (HelpTopic, Department, Role)} == counts
    assert HelpTopic.get(name="Aplikasi SIKS-NG").description == edited
    assert HelpTopic.get(name="Data Terpadu").description.strip()


def test_init_db_keeps_existing_data(app, runner, citizen, make_ticket):
    ticket = make_ticket(citizen)
    result = invoke(runner, "init-db")
    assert result.exit_code == 0, result.output
    assert Ticket.get().number == ticket.number
    assert User.select().where(User.email == citizen.email).count() == 1


def test_init_db_brings_old_seeded_texts_to_the_glossary(runner):
    """Descriptions seeded before the glossary are rewritten; one an administrator wrote stays."""
    import importlib
    old = importlib.import_module("helpdesk.migrations.0010_glossary_texts")
    Role.update(description=old.OLD_ROLES["agent"]).where(Role.name == "agent").execute()
    HelpTopic.update(description=old.OLD_TOPICS["Email Kemsos"]).where(
        HelpTopic.name == "Email Kemsos").execute()
    HelpTopic.update(description="Ditulis admin.").where(HelpTopic.name == "Data Terpadu").execute()
    SchemaVersion.delete().where(SchemaVersion.name == "0010_glossary_texts").execute()

    assert invoke(runner, "init-db").exit_code == 0
    assert Role.get(name="agent").description == "Petugas helpdesk: menjawab tiket unit kerjanya"
    assert HelpTopic.get(name="Email Kemsos").description == (
        "Penggunaan email Kemensos: penambahan kuota, perubahan, dan penghapusan.")
    assert HelpTopic.get(name="Data Terpadu").description == "Ditulis admin."


@pytest.mark.alters_schema
def test_init_db_applies_a_missing_migration_once(app, runner, citizen, make_ticket):
    """A database from before the staff desk: no breach column, no desk tables."""
    from playhouse.migrate import migrate

    from helpdesk.models import CannedResponse, TicketParticipant

    make_ticket(citizen)
    name = "0002_staff_desk"
    migrator = migrations.migrator_for(db.database)
    db.database.drop_tables([CannedResponse, TicketParticipant])
    migrate(migrator.drop_column("ticket", "sla_breached_at"),
            migrator.drop_index("ticket", "ticket_updated_at"),
            migrator.drop_index("ticket", "ticket_due_at"))
    SchemaVersion.delete().where(SchemaVersion.name == name).execute()

    result = invoke(runner, "init-db")
    assert result.exit_code == 0, result.output
    assert name in result.output
    assert SchemaVersion.select().where(SchemaVersion.name == name).count() == 1
    assert Ticket.get().sla_breached_at is None  # the column is back, the ticket kept
    assert CannedResponse.table_exists() and TicketParticipant.table_exists()
    indexes = {i.name for i in db.database.get_indexes("ticket")}
    assert {"ticket_updated_at", "ticket_due_at"} <= indexes

    again = invoke(runner, "init-db")
    assert again.exit_code == 0, again.output
    assert "tidak ada migrasi tertunda" in again.output and name not in again.output


# --- staff ---------------------------------------------------------------------------------

def staff_add(runner, email, *extra):
    return invoke(runner, "staff", "add", email, *extra)


def test_staff_add_creates_a_confirmed_agent_who_can_sign_in(app, runner, client):
    email = "petugas.satu@kemensos.go.id"
    result = staff_add(runner, email, "--role", "agent", "--department", "Tim SIKS-NG",
                       "--department", "Tim Email", "--name", "Petugas Satu",
                       "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert email in result.output

    user = User.get(email=email)
    assert user.full_name == "Petugas Satu"
    assert user.confirmed_at is not None and user.active
    assert user.password and NEW_PASSWORD not in user.password
    assert role_names(email) == {"agent"}
    assert department_names(email) == {"Tim SIKS-NG", "Tim Email"}

    assert login(client, email, NEW_PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_add_refuses_an_unknown_department(app, runner):
    email = "salah@kemensos.go.id"
    result = staff_add(runner, email, "--role", "agent", "--department", "Tim SIKS-NG",
                       "--department", "Tim Tidak Ada", "--password", NEW_PASSWORD)
    assert result.exit_code != 0
    assert "Tim Tidak Ada" in result.output
    assert User.select().where(User.email == email).count() == 0
    assert AgentDepartment.select().count() == 0


def test_staff_add_refuses_an_unknown_role(app, runner):
    result = staff_add(runner, "x@kemensos.go.id", "--role", "citizen",
                       "--password", NEW_PASSWORD)
    assert result.exit_code != 0
    assert User.select().where(User.email == "x@kemensos.go.id").count() == 0


def test_staff_add_twice_adds_the_role_to_the_same_user(app, runner, client):
    email = "petugas.dua@kemensos.go.id"
    first = staff_add(runner, email, "--role", "agent", "--department", "Tim Jaringan",
                      "--password", NEW_PASSWORD)
    assert first.exit_code == 0, first.output
    second = staff_add(runner, email, "--role", "supervisor", "--department", "Tim Jaringan",
                       "--password", NEW_PASSWORD)
    assert second.exit_code == 0, second.output

    assert User.select().where(User.email == email).count() == 1
    assert role_names(email) == {"agent", "supervisor"}
    assert department_names(email) == {"Tim Jaringan"}
    assert AgentDepartment.select().count() == 1
    assert login(client, email, NEW_PASSWORD).status_code == 302


def test_staff_add_makes_an_existing_citizen_staff(app, runner, citizen, client):
    result = staff_add(runner, citizen.email, "--role", "agent", "--department", "Tim Email",
                       "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert User.select().where(User.email == citizen.email).count() == 1
    assert role_names(citizen.email) == {"agent"}
    assert User.get(email=citizen.email).full_name == "Siti Warga"
    assert login(client, citizen.email, NEW_PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_add_asks_for_the_password_twice(app, runner, client, monkeypatch):
    monkeypatch.setattr("helpdesk.cli._interactive", lambda: True)  # at a terminal
    email = "petugas.tanya@kemensos.go.id"
    result = runner.invoke(args=["staff", "add", email, "--role", "admin"],
                           input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output  # hidden while typed
    assert role_names(email) == {"admin"}
    assert login(client, email, NEW_PASSWORD).status_code == 302


def test_staff_add_treats_a_differently_cased_address_as_the_same_user(app, runner, client):
    """Sign-in finds e-mail addresses whatever their case, so the command should too."""
    first = staff_add(runner, "Petugas.Tiga@Kemensos.go.id", "--role", "agent",
                      "--password", NEW_PASSWORD)
    assert first.exit_code == 0, first.output
    second = staff_add(runner, "petugas.tiga@kemensos.go.id", "--role", "supervisor",
                       "--password", NEW_PASSWORD)
    assert second.exit_code == 0, second.output
    matching = [u for u in User.select() if u.email.lower() == "petugas.tiga@kemensos.go.id"]
    assert len(matching) == 1
    assert login(client, "petugas.tiga@kemensos.go.id", NEW_PASSWORD).status_code == 302


def test_staff_add_lets_an_unconfirmed_citizen_sign_in_with_the_new_password(
        app, runner, make_user, client):
    """The command promises a confirmed staff account and sets its password; an existing
    account that never confirmed its address stays unable to sign in."""
    make_user("calon.petugas@kemensos.go.id", confirmed=False)
    result = staff_add(runner, "calon.petugas@kemensos.go.id", "--role", "agent",
                       "--department", "Tim Email", "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert role_names("calon.petugas@kemensos.go.id") == {"agent"}
    assert login(client, "calon.petugas@kemensos.go.id", NEW_PASSWORD).status_code == 302


# --- Flask-Security's commands ---------------------------------------------------------

def test_flask_security_users_create(app, runner):
    """The documented form of the command: e-mail, password, --active."""
    help_text = invoke(runner, "users", "create", "--help").output
    assert "--password" in help_text and "--active" in help_text

    email = "baru@contoh.id"
    result = invoke(runner, "users", "create", email, "--password", NEW_PASSWORD, "--active")
    assert result.exit_code == 0, result.output
    user = User.get(email=email)
    assert user.active and user.fs_uniquifier
    assert user.password and NEW_PASSWORD not in user.password
    assert role_names(email) == set()


def test_flask_security_users_create_with_a_full_name(app, runner):
    email = "lengkap@contoh.id"
    result = invoke(runner, "users", "create", email, "full_name:Budi Santoso",
                    "--password", NEW_PASSWORD, "--active")
    assert result.exit_code == 0, result.output
    user = User.get(email=email)
    assert user.full_name == "Budi Santoso" and user.active and user.fs_uniquifier
    assert user.password and NEW_PASSWORD not in user.password


def test_flask_security_users_create_refuses_a_short_password(app, runner):
    result = invoke(runner, "users", "create", "pendek@contoh.id", "full_name:Budi",
                    "--password", "123", "--active")
    assert result.exit_code != 0
    assert User.select().where(User.email == "pendek@contoh.id").count() == 0


def test_flask_security_roles_add(app, runner, make_user):
    make_user("pengawas@kemensos.go.id")
    result = invoke(runner, "roles", "add", "pengawas@kemensos.go.id", "supervisor")
    assert result.exit_code == 0, result.output
    assert role_names("pengawas@kemensos.go.id") == {"supervisor"}


# --- send-mail -------------------------------------------------------------------------

def test_send_mail_delivers_the_outbox(app, runner, mailbox):
    app.extensions["mail_dispatcher"].stop()
    with app.app_context():
        queue_rendered("warga@contoh.id", "Uji kirim", "Isi pesan uji.", kind="test")
    assert OutboxMail.select().where(OutboxMail.sent_at.is_null()).count() == 1

    result = invoke(runner, "send-mail")
    assert result.exit_code == 0, result.output
    assert "1 terkirim, 0 gagal" in result.output
    [message] = mailbox.wait(1)
    assert message["To"] == "warga@contoh.id" and message["Subject"] == "Uji kirim"
    assert "Isi pesan uji." in message.get_body(preferencelist=("plain",)).get_content()
    assert OutboxMail.get().sent_at is not None

    again = invoke(runner, "send-mail")
    assert again.exit_code == 0 and "0 terkirim, 0 gagal" in again.output
    assert len(mailbox.messages) == 1


# --- demo-data -------------------------------------------------------------------------

SIGN_IN = re.compile(r"^\s+(\w+)\s+(\S+@\S+)\s+(\S+)\s*$", re.MULTILINE)


def demo_sign_ins(output):
    return {email: (role, password) for role, email, password in SIGN_IN.findall(output)}


@pytest.fixture
def demo(app, runner):
    result = invoke(runner, "demo-data", "--tickets", "60", "--seed", "1")
    assert result.exit_code == 0, result.output
    return result


def test_demo_data_makes_consistent_tickets(app, demo):
    tickets = list(Ticket.select())
    assert len(tickets) == 60
    numbers = [t.number for t in tickets]
    assert len(set(numbers)) == 60
    assert all(re.fullmatch(r"[1-9]\d{6}", str(n)) for n in numbers)
    assert len({t.status for t in tickets}) >= 2

    links = {(a.agent_id, a.department_id) for a in AgentDepartment.select()}
    with_entries = {e.ticket_id for e in ThreadEntry.select(ThreadEntry.ticket)}
    opened = {e.ticket_id for e in TicketEvent.select().where(TicketEvent.kind == "opened")}
    for t in tickets:
        assert t.department_id == t.topic.department_id
        assert t.id in with_entries and t.id in opened
        assert t.due_at > t.created_at
        if t.assignee_id:
            assert (t.assignee_id, t.department_id) in links

    for a in Attachment.select():
        path = uploads.path_of(app.config["UPLOAD_FOLDER"], a.stored_name)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == a.sha256


def test_demo_data_prints_sign_ins_that_work(app, demo, client):
    accounts = demo_sign_ins(demo.output)
    assert accounts["admin@contoh.id"][0] == "admin"
    assert accounts["agent@contoh.id"][0] == "agent"
    assert all(password for _, password in accounts.values())
    assert role_names("admin@contoh.id") == {"admin"}

    assert login(client, "agent@contoh.id", accounts["agent@contoh.id"][1]).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_demo_data_twice_adds_more_tickets(app, runner, demo, client):
    again = invoke(runner, "demo-data", "--tickets", "60", "--seed", "1")
    assert again.exit_code == 0, again.output
    numbers = [n for (n,) in Ticket.select(Ticket.number).tuples()]
    assert len(numbers) == 120 and len(set(numbers)) == 120
    assert User.select().where(User.email == "agent@contoh.id").count() == 1

    new = demo_sign_ins(again.output)["agent@contoh.id"][1]
    assert login(client, "agent@contoh.id", new).status_code == 302


def test_staff_add_reads_the_password_from_stdin_or_the_environment(app, runner, client):
    piped = runner.invoke(args=["staff", "add", "satu@kemensos.go.id", "--role", "admin",
                                "--password-stdin"], input=f"{NEW_PASSWORD}\n")
    assert piped.exit_code == 0, piped.output
    from_env = runner.invoke(args=["staff", "add", "dua@kemensos.go.id", "--role", "admin"],
                             env={"HELPDESK_STAFF_PASSWORD": NEW_PASSWORD})
    assert from_env.exit_code == 0, from_env.output
    for email in ("satu@kemensos.go.id", "dua@kemensos.go.id"):
        assert login(app.test_client(), email, NEW_PASSWORD).status_code == 302


@pytest.fixture
def site_address(config):
    config["PUBLIC_URL"] = "https://helpdesk.contoh.id"


def test_staff_add_without_a_terminal_mails_a_link_to_choose_the_password(
        site_address, app, runner, mailbox):
    result = runner.invoke(
        args=["staff", "add", "admin.pertama@kemensos.go.id", "--role", "admin"], input="")
    assert result.exit_code == 0, result.output
    assert "admin.pertama@kemensos.go.id" in result.output
    assert role_names("admin.pertama@kemensos.go.id") == {"admin"}
    assert not User.get(email="admin.pertama@kemensos.go.id").password
    assert runner.invoke(args=["send-mail"]).exit_code == 0
    [mail] = mailbox.to("admin.pertama@kemensos.go.id")
    assert "https://helpdesk.contoh.id/reset/" in mail.get_body(
        preferencelist=("plain",)).get_content()


def test_staff_add_without_a_password_or_a_site_address_says_what_to_do(app, runner):
    result = runner.invoke(args=["staff", "add", "x@kemensos.go.id", "--role", "admin"],
                           input="")
    assert result.exit_code != 0 and "FLASK_PUBLIC_URL" in result.output
    assert User.select().where(User.email == "x@kemensos.go.id").count() == 0


def test_staff_add_help_discourages_a_password_on_the_command_line(runner):
    result = runner.invoke(args=["staff", "add", "--help"])
    assert "Discouraged" in result.output and "HELPDESK_STAFF_PASSWORD" in result.output


@pytest.mark.alters_schema
def test_init_db_adds_the_index_of_the_queue_sorted_by_subject(app, runner):
    from playhouse.migrate import migrate

    name = "0020_queue_subject"
    migrate(migrations.migrator_for(db.database).drop_index("ticket", "ticket_subject"))
    SchemaVersion.delete().where(SchemaVersion.name == name).execute()
    result = invoke(runner, "init-db")
    assert result.exit_code == 0 and name in result.output, result.output
    assert [i.columns for i in db.database.get_indexes("ticket")
            if i.name == "ticket_subject"] == [["subject"]]
