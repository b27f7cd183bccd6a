"""``flask demo-data``: a year of realistic work for trying and measuring the helpdesk.

Bulk inserts in big transactions, bypassing the lifecycle on purpose: this invents history
(``demo_history``: seasonal volume, agents of different speeds, transfers, reopenings, SLA
breaches) rather than making changes, and sends no mail. Rows are plain tuples written by
``demo_bulk`` (executemany on SQLite, COPY on PostgreSQL); ticket ids are given here, so
threads and events need no read back.
"""
import hashlib
import random
import secrets
import sys
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import format_number, gettext as _, lazy_gettext as _l
from flask_security import hash_password
from peewee import fn

from . import (demo_survey, migrations, report_summary, search, search_recent, seed as seeding,
               uploads)
from .cli_locale import option
from .db import atomic, db
from .report_sql import on_postgres
from .lifecycle import clocks_fill
from .demo_bulk import BulkWriter
from .demo_history import Calendar, Story
from .models import (
    AgentDepartment,
    Attachment,
    CannedResponse,
    Department,
    HelpTopic,
    Ticket,
    TicketEvent,
    TicketParticipant,
    TicketTransfer,
    ThreadEntry,
    User,
    utcnow,
)

FIRST = ["Andi", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hendra", "Indah", "Joko",
         "Kartika", "Lestari", "Made", "Nur", "Putri", "Rahmat", "Sari", "Teguh", "Wahyu", "Yuni"]
LAST = ["Saputra", "Wijaya", "Lestari", "Hidayat", "Nugroho", "Siregar", "Harahap", "Pratama",
        "Kusuma", "Setiawan", "Rahayu", "Simanjuntak", "Susanto", "Halim", "Purnomo"]
BATCH = 20_000  # tickets per transaction
REBUILD_INDEXES_FROM = 50_000  # tickets; and more than there are (see BulkWriter.loading)
ATTACHMENTS = 300  # at most this many small files per run (one ticket in thirty below)

# how long an agent takes (a factor on the work minutes) and how much of the queue they
# take on: the fast one handles more
FAST, AVERAGE, SLOW = 0.3, 1.0, 3.0
SHARE = {FAST: 1.4, AVERAGE: 1.0, SLOW: 0.7}
# (email, role, departments, full name, speed); the first six sign in with printed passwords
STAFF = [
    ("admin@contoh.id", "admin", [], "Admin", None),
    ("supervisor@contoh.id", "supervisor", [], "Supervisor", None),
    ("agent@contoh.id", "agent", ["Helpdesk Pusdatin", "Tim SIKS-NG"], "Agent", AVERAGE),
    ("agent.data@contoh.id", "agent", ["Tim Data Terpadu"], "Agent Data", AVERAGE),
    ("agent.email@contoh.id", "agent", ["Tim Email"], "Agent Email", AVERAGE),
    ("agent.jaringan@contoh.id", "agent", ["Tim Jaringan"], "Agent Jaringan", AVERAGE),
    ("rina.pusdatin@contoh.id", "agent", ["Helpdesk Pusdatin"], "Rina Marlina", FAST),
    ("bayu.pusdatin@contoh.id", "agent", ["Helpdesk Pusdatin"], "Bayu Prasetyo", AVERAGE),
    ("dian.pusdatin@contoh.id", "agent", ["Helpdesk Pusdatin"], "Dian Anggraini", AVERAGE),
    ("agus.pusdatin@contoh.id", "agent", ["Helpdesk Pusdatin"], "Agus Salim", SLOW),
    ("fajar.siks@contoh.id", "agent", ["Tim SIKS-NG"], "Fajar Nugraha", FAST),
    ("lina.siks@contoh.id", "agent", ["Tim SIKS-NG"], "Lina Marpaung", AVERAGE),
    ("yoga.siks@contoh.id", "agent", ["Tim SIKS-NG"], "Yoga Permana", SLOW),
    ("maya.data@contoh.id", "agent", ["Tim Data Terpadu"], "Maya Sari", FAST),
    ("ratna.data@contoh.id", "agent", ["Tim Data Terpadu"], "Ratna Dewi", AVERAGE),
    ("hadi.data@contoh.id", "agent", ["Tim Data Terpadu"], "Hadi Gunawan", SLOW),
    ("tono.email@contoh.id", "agent", ["Tim Email"], "Tono Hartono", FAST),
    ("wati.email@contoh.id", "agent", ["Tim Email"], "Wati Suryani", SLOW),
    ("reza.jaringan@contoh.id", "agent", ["Tim Jaringan"], "Reza Fahlevi", FAST),
    ("ujang.jaringan@contoh.id", "agent", ["Tim Jaringan"], "Ujang Supriatna", SLOW),
]
SIGN_INS = 6
SUPERVISORS = [("kepala.pusdatin@contoh.id", "supervisor", [], "Kepala Pusdatin", None)]
# (department or None for everyone, title, body): templat balasan, in the house terms
CANNED = [
    (None, "Tiket diterima", "Terima kasih telah menghubungi Helpdesk Pusdatin Kemensos. "
     "Tiket Anda sudah kami terima dan akan dijawab paling lambat 2 × 24 jam."),
    (None, "Mohon data tambahan", "Agar tiket dapat kami proses, mohon lengkapi: nama "
     "operator, kabupaten/kota, dan tangkapan layar kendala sebagai lampiran. Silakan balas "
     "tiket ini."),
    (None, "Tiket selesai", "Kendala sudah kami selesaikan. Jika masih terjadi, silakan balas "
     "tiket ini; tiket akan dibuka kembali."),
    ("Helpdesk Pusdatin", "Jadwal penyaluran bansos", "Jadwal penyaluran bansos dapat "
     "dilihat di situs resmi Kemensos. Untuk pengaduan bantuan belum diterima, mohon sertakan "
     "NIK dan nama penerima."),
    ("Helpdesk Pusdatin", "Dipindahkan ke unit terkait", "Tiket Anda kami pindahkan ke unit "
     "yang menangani. Petugas unit tersebut akan menjawab paling lambat 2 × 24 jam."),
    ("Tim SIKS-NG", "SIKS-NG: bersihkan cache", "Silakan keluar dari SIKS-NG, bersihkan "
     "cache peramban, lalu masuk kembali. Untuk SIKS-NG luring, lakukan sinkronisasi ulang "
     "setelah tersambung ke internet."),
    ("Tim SIKS-NG", "SIKS-NG: atur ulang kata sandi", "Kata sandi akun SIKS-NG Anda sudah "
     "kami atur ulang. Silakan masuk dengan kata sandi sementara yang dikirim ke email Anda, "
     "lalu segera menggantinya."),
    ("Tim Data Terpadu", "DTKS: usulan perbaikan data", "Usulan perbaikan data DTKS diajukan "
     "oleh dinas sosial kabupaten/kota melalui menu verivali SIKS-NG. Perubahan tampil "
     "setelah penetapan data bulan berikutnya."),
    ("Tim Data Terpadu", "DTKS: NIK tidak ditemukan", "NIK tersebut belum terdaftar di DTKS. "
     "Silakan ajukan pendaftaran melalui desa/kelurahan atau dinas sosial setempat."),
    ("Tim Email", "Email: kuota ditambah", "Kuota email Kemensos Anda sudah kami tambah. "
     "Silakan periksa kembali dalam satu jam."),
    ("Tim Email", "Email: atur ulang kata sandi", "Kata sandi email Kemensos Anda sudah kami "
     "atur ulang. Tautan untuk membuat kata sandi baru sudah kami kirim ke nomor yang "
     "terdaftar."),
    ("Tim Jaringan", "Jaringan: pemeriksaan di lokasi", "Petugas jaringan akan memeriksa "
     "perangkat di ruangan Anda pada hari kerja berikutnya. Mohon pastikan ada yang dapat "
     "dihubungi di lokasi."),
    ("Tim Jaringan", "VPN: konfigurasi ulang", "Silakan unduh ulang berkas konfigurasi VPN, "
     "lalu sambungkan kembali. Jika tetap gagal, kirimkan tangkapan layar pesan kesalahannya "
     "sebagai lampiran."),
]
TICKET_COLUMNS = ("id", "number", "subject", "topic", "department", "requester", "assignee",
                  "status", "created_at", "updated_at", "due_at", "overdue",
                  "first_response_at", "resolved_at", "closed_at", "sla_breached_at",
                  "response_seconds", "resolution_seconds", "late_seconds")
EVENT_COLUMNS = ("ticket", "actor", "kind", "detail", "created_at")
ENTRY_COLUMNS = ("ticket", "author", "kind", "body", "created_at")


@click.command("demo-data",
               help=_l("Add demo staff, citizens, canned responses and COUNT tickets with a "
                       "year of history; print the demo sign-ins."))
@option("--tickets", "count", default=200, show_default=True,
              help=_l("Tickets to add."))
@option("--seed", "random_seed", type=int, default=None, help=_l("Repeatable data."))
@option("--if-empty", is_flag=True, help=_l("Add tickets only when there are none yet."))
@with_appcontext
def demo_data(count, random_seed, if_empty):
    rng = random.Random(random_seed)
    with db.database.connection_context():
        migrations.upgrade(db.database)
        with atomic():
            seeding.seed()
            accounts = _demo_accounts()
            _canned_responses()
        if if_empty and Ticket.select().exists():
            count = 0
        citizens = _citizens(rng, max(10, count // 20))
        add_tickets(rng, count, citizens, utcnow())
        if on_postgres():
            # The search's index of recent rows, made for an empty table, covers them all
            # until a process's hourly check moves it on: moved now, as a database in use
            # has it (a search at 100,000 tickets read three times the matches it needs)
            search_recent.keep_recent()
            # The planner's statistics of the tables just filled: without them (autovacuum
            # off, or not run yet) it guesses, and a ticket's events were read through the
            # index on their kind, every "closed" event of the year (40 ms at 100,000)
            db.database.execute_sql("ANALYZE")
    click.echo("\n" + _("Demo sign-ins (the passwords are new on every run):"))
    for email, role, password in accounts:
        click.echo(f"  {role:<10} {email:<28} {password}")
    click.echo(_("The other %(count)d demo staff (the fast, average and slow agents of each "
                 "department, a second supervisor) sign in once an administrator sets their "
                 "password.", count=len(STAFF) + len(SUPERVISORS) - SIGN_INS))


def _demo_accounts():
    """The staff of STAFF and SUPERVISORS; returns the printed sign-ins."""
    from .cli import add_staff

    datastore = current_app.extensions["security"].datastore
    departments = {d.name: d for d in Department.select()}
    accounts, unusable = [], None
    for index, (email, role, names, full_name, _speed) in enumerate(STAFF + SUPERVISORS):
        password = None
        if index < SIGN_INS:
            password = secrets.token_urlsafe(9)
            accounts.append((email, role, password))
        elif datastore.find_user(case_insensitive=True, email=email) is None:
            unusable = unusable or hash_password(secrets.token_urlsafe(24))  # hashing is slow
            datastore.create_user(email=email, full_name=full_name, password=unusable,
                                  confirmed_at=utcnow())
        add_staff(datastore, email, role, [departments[n] for n in names],
                  full_name=full_name, password=password)
    password = secrets.token_urlsafe(9)
    citizen = datastore.find_user(email="warga@contoh.id")
    if citizen is None:
        citizen = datastore.create_user(email="warga@contoh.id", full_name="Warga Contoh",
                                        password=hash_password(password), confirmed_at=utcnow())
    else:
        citizen.password = hash_password(password)
        citizen.save()
    accounts.append(("warga@contoh.id", "citizen", password))
    return accounts


def _canned_responses():
    """The templat balasan of CANNED, each added once (an edited one is left alone)."""
    departments = dict(Department.select(Department.name, Department.id).tuples())
    for department, title, body in CANNED:
        if department is None or department in departments:
            CannedResponse.get_or_create(title=title, defaults={
                "body": body, "department": departments.get(department)})


def _citizens(rng, count):
    """Demo citizens (operators of regional offices); all share one unusable password."""
    existing = list(User.select().where(User.email.startswith("warga.")).limit(count))
    missing = count - len(existing)
    if missing > 0:
        unusable = hash_password(secrets.token_urlsafe(24))
        base = len(existing)
        rows = [{"email": f"warga.{base + i}@contoh.id",
                 "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                 "password": unusable, "fs_uniquifier": secrets.token_hex(16),
                 "confirmed_at": utcnow(), "locale": "id"} for i in range(missing)]
        with atomic():
            for start in range(0, len(rows), 1000):
                User.insert_many(rows[start:start + 1000]).execute()
        existing = list(User.select().where(User.email.startswith("warga.")).limit(count))
    return existing + list(User.select().where(User.email == "warga@contoh.id"))


def _staff_by_department():
    """{department id: [(agent id, speed, share)]} of every agent link (agents outside
    STAFF work at the average speed)."""
    speeds = {email: speed for email, _, _, _, speed in STAFF if speed}
    staff = {}
    for department, agent, email in (AgentDepartment.select(
            AgentDepartment.department, AgentDepartment.agent, User.email)
            .join(User).order_by(AgentDepartment.id).tuples()):
        speed = speeds.get(email, AVERAGE)
        staff.setdefault(department, []).append((agent, speed, SHARE[speed]))
    return staff


def _free_numbers(rng, count):
    taken = {n for (n,) in Ticket.select(Ticket.number).tuples()}
    numbers = set()
    while len(numbers) < count:
        numbers.update(n for n in rng.sample(range(1_000_000, 10_000_000), count * 2)
                       if n not in taken)
    return rng.sample(sorted(numbers), count)


def add_tickets(rng, count, citizens, now):
    """``count`` tickets created over the year before ``now``, in the order they came."""
    if not count:
        return
    writer = BulkWriter(db.database)
    calendar = Calendar(now, rng)
    departments = dict(Department.select(Department.id, Department.name).tuples())
    first_line = {name: key for key, name in departments.items()}.get("Helpdesk Pusdatin")
    story = Story(rng, calendar, list(HelpTopic.select().order_by(HelpTopic.id)), departments,
                  _staff_by_department(), writer.escape, first_line=first_line)
    numbers = _free_numbers(rng, count)
    created = calendar.created_times(rng, count)
    requesters = [c.id for c in citizens]
    first_id = writer.next_id(Ticket)
    loaded = (Ticket, ThreadEntry, TicketEvent, TicketParticipant, TicketTransfer)
    rebuild = count >= REBUILD_INDEXES_FROM and count > Ticket.select().count()
    adding = _("Adding %(count)s tickets", count=count)
    with writer.loading(loaded, rebuild), progress(count, adding) as advance:
        size = min(BATCH, max(500, count // 20))  # and progress in steps of 5% or less
        for start in range(0, count, size):
            story.clear()
            for i in range(start, min(count, start + size)):  # some citizens write more
                requester = requesters[int(rng.random() ** 2 * len(requesters))]
                story.tell(first_id + i, numbers[i], created[i], requester)
            with atomic():
                writer.write(Ticket, TICKET_COLUMNS, story.tickets)
                writer.write(ThreadEntry, ENTRY_COLUMNS, story.entries)
                writer.write(TicketEvent, EVENT_COLUMNS, story.events)
                writer.write(TicketParticipant, ("ticket", "user"), story.participants)
                writer.write(TicketTransfer, ("ticket", "source", "target", "created_at"),
                             story.transfers)
            advance(len(story.tickets))
        story.clear()
        writer.ids_taken(Ticket)
    with atomic():
        clocks_fill.fill_clocks(first_id)
        clocks_fill.fill_holdings(first_id)
    chosen = [first_id + i for i in range(count) if rng.random() < 1 / 30][:ATTACHMENTS]
    with atomic():
        _attach(chosen)
    with atomic():
        demo_survey.add_responses(rng, now)
    with progress(Ticket.select().count(), _("Summing up the reports")) as advance:
        report_summary.rebuild(progress=advance)
    with progress(Ticket.select().count(), _("Indexing the words for search")) as advance:
        search.rebuild(progress=advance)


@contextmanager
def progress(count, label):
    """A progress bar in a terminal; otherwise a line every tenth (logs, CI, pipes)."""
    if sys.stdout.isatty():
        with click.progressbar(length=count, label=label) as bar:
            yield bar.update
        return
    click.echo(f"{label}…")
    done, shown = 0, 0

    def advance(n):
        nonlocal done, shown
        done += n
        tenth = done * 10 // count
        if tenth > shown:
            shown = tenth
            click.echo("  " + _("%(percent)d%% (%(done)s of %(count)s tickets)",
                                percent=tenth * 10, done=format_number(done),
                                count=format_number(count)))
    yield advance


def _attach(ticket_ids):
    """A small text file on each ticket's first message, stored like a real upload."""
    if not ticket_ids:
        return
    first = (ThreadEntry.select(fn.MIN(ThreadEntry.id)).where(ThreadEntry.ticket == Ticket.id))
    chosen = (Ticket.select(Ticket.id, Ticket.number, Ticket.created_at, ThreadEntry.id,
                            ThreadEntry.body)
              .join(ThreadEntry, on=(ThreadEntry.id == first))
              .where(Ticket.id.in_(ticket_ids)).tuples())
    folder = current_app.config["UPLOAD_FOLDER"]
    rows = []
    for ticket_id, number, created_at, entry_id, body in chosen:
        data = f"Laporan tiket #{number}\n{body}\n".encode()
        stored_name = secrets.token_hex(16)
        path = uploads.path_of(folder, stored_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        rows.append({"entry": entry_id, "ticket": ticket_id, "original_name": "laporan.txt",
                     "stored_name": stored_name, "content_type": "text/plain",
                     "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                     "created_at": created_at})
    for start in range(0, len(rows), 500):
        Attachment.insert_many(rows[start:start + 500]).execute()
