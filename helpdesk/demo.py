"""``flask demo-data``: realistic data for trying and measuring the helpdesk.

Bulk inserts in batches, bypassing the lifecycle on purpose: this invents history (a year
of tickets with their threads and events) rather than making changes, and sends no mail.
"""
import hashlib
import json
import random
import secrets
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_security import hash_password
from peewee import SqliteDatabase
from psycopg2.extras import execute_values

from . import migrations, seed as seeding, uploads
from .db import atomic, db
from .models import (
    AgentDepartment,
    Attachment,
    Department,
    EntryKind,
    HelpTopic,
    Ticket,
    TicketEvent,
    TicketParticipant,
    TicketStatus,
    TicketTransfer,
    ThreadEntry,
    User,
    utcnow,
)

FIRST = ["Andi", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hendra", "Indah", "Joko",
         "Kartika", "Lestari", "Made", "Nur", "Putri", "Rahmat", "Sari", "Teguh", "Wahyu", "Yuni"]
LAST = ["Saputra", "Wijaya", "Lestari", "Hidayat", "Nugroho", "Siregar", "Harahap", "Pratama",
        "Kusuma", "Setiawan", "Rahayu", "Simanjuntak", "Susanto", "Halim", "Purnomo"]
REGIONS = ["Kab. Bogor", "Kota Medan", "Kab. Gowa", "Kota Kupang", "Kab. Banyumas",
           "Kota Ambon", "Kab. Sleman", "Kota Pontianak", "Kab. Lombok Timur", "Kota Jayapura"]
SUBJECTS = {
    "Aplikasi SIKS-NG": ["Tidak bisa login SIKS-NG", "Sinkronisasi SIKS-NG offline gagal",
                         "Menu verivali tidak muncul", "Aplikasi SIKS-NG mobile error"],
    "Bantuan Umum": ["Informasi penyaluran bansos", "Pengaduan bantuan belum diterima",
                     "Pertanyaan tugas dan fungsi Kemensos"],
    "Data Terpadu": ["NIK tidak ditemukan di DTKS", "Usulan perbaikan data DTKS",
                     "Data ganda di data terpadu", "Status kepesertaan tidak sesuai"],
    "Email Kemsos": ["Permintaan upgrade kuota email", "Lupa kata sandi email Kemsos",
                     "Penghapusan akun email pegawai pindah"],
    "Internet/Jaringan": ["Internet kantor lambat", "Wi-Fi ruang rapat tidak tersambung",
                          "VPN tidak bisa tersambung"],
}
MESSAGES = [
    "Mohon bantuan, sejak kemarin kami operator di {region} mengalami kendala ini.",
    "Sudah dicoba beberapa kali tetapi hasilnya tetap sama. Terlampir tangkapan layar.",
    "Kendala ini menghambat pelayanan kepada masyarakat di {region}. Terima kasih.",
    "Apakah ada jadwal perbaikan? Kami perlu menyelesaikan laporan minggu ini.",
]
RESPONSES = [
    "Terima kasih atas laporannya. Tim kami sedang memeriksa kendala tersebut.",
    "Silakan coba kembali setelah membersihkan cache peramban, lalu kabari kami hasilnya.",
    "Perbaikan sudah dilakukan. Mohon konfirmasi apakah kendala sudah teratasi.",
    "Data sudah kami teruskan ke tim terkait untuk ditindaklanjuti.",
]
BATCH = 1000
TRANSFERRED = 0.05  # share of tickets moved between departments


@click.command("demo-data")
@click.option("--tickets", "count", default=200, show_default=True, help="Tickets to add.")
@click.option("--seed", "random_seed", type=int, default=None, help="Repeatable data.")
@click.option("--if-empty", is_flag=True, help="Add tickets only when there are none yet.")
@with_appcontext
def demo_data(count, random_seed, if_empty):
    """Add demo staff, citizens and COUNT tickets with threads; print the demo sign-ins."""
    rng = random.Random(random_seed)
    with db.database.connection_context():
        migrations.upgrade(db.database)
        with atomic():
            seeding.seed()
            accounts = _demo_accounts()
        if if_empty and Ticket.select().exists():
            count = 0
        citizens = _citizens(rng, max(10, count // 20))
        agents = _agents_by_department()
        topics = list(HelpTopic.select(HelpTopic, Department.name.alias("department_name"))
                      .join(Department).objects())
        now = utcnow()
        with click.progressbar(length=count, label=f"Adding {count} tickets") as bar:
            numbers = _free_numbers(rng, count)
            for start in range(0, count, BATCH):
                size = min(BATCH, count - start)
                with atomic():
                    _ticket_batch(rng, numbers[start:start + size], topics, citizens, agents, now)
                bar.update(size)
    click.echo("\nDemo sign-ins (the passwords are new on every run):")
    for email, role, password in accounts:
        click.echo(f"  {role:<10} {email:<28} {password}")


def _demo_accounts():
    from .cli import add_staff

    datastore = current_app.extensions["security"].datastore
    departments = {d.name: d for d in Department.select()}
    wanted = [
        ("admin@contoh.id", "admin", []),
        ("supervisor@contoh.id", "supervisor", []),
        ("agent@contoh.id", "agent", ["Helpdesk Pusdatin", "Tim SIKS-NG"]),
        ("agent.data@contoh.id", "agent", ["Tim Data Terpadu"]),
        ("agent.email@contoh.id", "agent", ["Tim Email"]),
        ("agent.jaringan@contoh.id", "agent", ["Tim Jaringan"]),
    ]
    accounts = []
    for email, role, names in wanted:
        password = secrets.token_urlsafe(9)
        add_staff(datastore, email, role, [departments[n] for n in names],
                  full_name=email.split("@")[0].replace(".", " ").title(), password=password)
        accounts.append((email, role, password))
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
            for start in range(0, len(rows), BATCH):
                User.insert_many(rows[start:start + BATCH]).execute()
        existing = list(User.select().where(User.email.startswith("warga.")).limit(count))
    return existing + list(User.select().where(User.email == "warga@contoh.id"))


def _agents_by_department():
    agents = {}
    for link in AgentDepartment.select():
        agents.setdefault(link.department_id, []).append(link.agent_id)
    return agents


def _free_numbers(rng, count):
    taken = {n for (n,) in Ticket.select(Ticket.number).tuples()}
    numbers = set()
    while len(numbers) < count:
        numbers.update(n for n in rng.sample(range(1_000_000, 10_000_000), count * 2)
                       if n not in taken)
    return rng.sample(sorted(numbers), count)


def _ticket_batch(rng, numbers, topics, citizens, agents, now):
    plans = [_plan(rng, n, topics, citizens, agents, now) for n in numbers]
    _bulk_insert(Ticket, [p["ticket"] for p in plans])
    ids = dict(Ticket.select(Ticket.number, Ticket.id).where(Ticket.number.in_(numbers)).tuples())
    entries, events, participants, transfers = [], [], [], []
    for plan in plans:
        ticket_id = ids[plan["ticket"]["number"]]
        entries += [dict(e, ticket=ticket_id) for e in plan["entries"]]
        events += [dict(e, ticket=ticket_id) for e in plan["events"]]
        transfers += [dict(t, ticket=ticket_id) for t in plan["transfers"]]
        if plan["ticket"]["assignee"]:
            participants.append({"ticket": ticket_id, "user": plan["ticket"]["assignee"]})
    _bulk_insert(ThreadEntry, entries)
    _bulk_insert(TicketEvent, events)
    if participants:
        _bulk_insert(TicketParticipant, participants)
    if transfers:
        _bulk_insert(TicketTransfer, transfers)
    _attach_some(rng, plans, ids)


def _bulk_insert(model, rows):
    """One prepared INSERT for all rows: peewee's insert_many spends most of its time
    building the SQL text, several times slower than the database's own work here.
    On PostgreSQL, psycopg2's execute_values sends the rows in pages (its executemany
    would make one round trip per row)."""
    database = db.database
    columns = list(rows[0])
    fields = [model._meta.fields[c] for c in columns]
    head = 'INSERT INTO "{}" ({}) VALUES '.format(
        model._meta.table_name, ", ".join(f'"{f.column_name}"' for f in fields))
    as_text = isinstance(getattr(database, "obj", database), SqliteDatabase)  # as peewee stores
    values = [tuple(_plain(f.db_value(row[c]), as_text) for c, f in zip(columns, fields))
              for row in rows]
    cursor = database.cursor()
    if as_text:
        cursor.executemany(head + "({})".format(", ".join("?" * len(fields))), values)
    else:
        execute_values(cursor, head + "%s", values, page_size=1000)


def _plain(value, as_text):
    return str(value) if as_text and isinstance(value, datetime) else value


def _plan(rng, number, topics, citizens, agents, now):
    topic = rng.choice(topics)
    requester = rng.choice(citizens)
    created = now - timedelta(minutes=rng.randint(10, 365 * 24 * 60))
    age = now - created
    status = TicketStatus.OPEN
    if age > timedelta(days=3):
        status = rng.choices([TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CLOSED],
                             [1, 2, 7] if age > timedelta(days=14) else [5, 3, 2])[0]
    staff = agents.get(topic.department_id) or [None]
    assignee = rng.choice(staff) if (status != TicketStatus.OPEN or rng.random() < 0.6) else None
    region = rng.choice(REGIONS)
    entries, when = [], created
    for i in range(rng.randint(1, 5) if assignee else 1):
        kind = EntryKind.MESSAGE if i % 2 == 0 else EntryKind.RESPONSE
        body = rng.choice(MESSAGES if kind == EntryKind.MESSAGE else RESPONSES)
        author = requester.id if kind == EntryKind.MESSAGE else assignee
        entries.append({"author": author, "kind": kind, "body": body.format(region=region),
                        "created_at": when})
        when = min(now, when + timedelta(minutes=rng.randint(5, 60 * 36)))
    responses = [e["created_at"] for e in entries if e["kind"] == EntryKind.RESPONSE]
    due = created + timedelta(hours=topic.sla_hours)
    finished = when if status != TicketStatus.OPEN else None
    events = [{"actor": requester.id, "kind": "opened", "created_at": created, "detail": ""}]
    if assignee:
        events.append({"actor": assignee, "kind": "claimed", "detail": "",
                       "created_at": created + timedelta(minutes=rng.randint(1, 120))})
    transfers = []
    if rng.random() < TRANSFERRED:  # first filed with the wrong department
        source = rng.choice([t for t in topics if t.department_id != topic.department_id])
        moved = created + timedelta(minutes=rng.randint(5, 240))
        transfers.append({"source": source.department_id, "target": topic.department_id,
                          "created_at": moved})
        events.append({"actor": None, "kind": "transferred", "created_at": moved,
                       "detail": json.dumps({"source": source.department_name,
                                             "target": topic.department_name,
                                             "comment": "Bukan bidang kami."})})
    if finished:
        events.append({"actor": assignee, "kind": status, "created_at": finished, "detail": ""})
    ticket = {
        "number": number, "subject": rng.choice(SUBJECTS.get(topic.name, ["Pertanyaan"])),
        "topic": topic.id, "department": topic.department_id, "requester": requester.id,
        "assignee": assignee, "status": status, "created_at": created, "updated_at": when,
        "due_at": due, "overdue": status == TicketStatus.OPEN and due < now,
        "first_response_at": responses[0] if responses else None,
        "resolved_at": finished if status != TicketStatus.OPEN else None,
        "closed_at": finished if status == TicketStatus.CLOSED else None,
        "sla_breached_at": due if (finished or now) > due else None,
    }
    return {"ticket": ticket, "entries": entries, "events": events, "transfers": transfers}


def _attach_some(rng, plans, ids):
    """A small text file on about one ticket in thirty, stored like a real upload."""
    chosen = [p for p in plans if rng.random() < 1 / 30]
    if not chosen:
        return
    first_entries = dict(ThreadEntry.select(ThreadEntry.ticket, ThreadEntry.id)
                         .where(ThreadEntry.ticket.in_([ids[p["ticket"]["number"]]
                                                        for p in chosen]))
                         .order_by(ThreadEntry.id.desc()).tuples())
    folder = current_app.config["UPLOAD_FOLDER"]
    rows = []
    for plan in chosen:
        ticket_id = ids[plan["ticket"]["number"]]
        data = f"Laporan tiket #{plan['ticket']['number']}\n{plan['entries'][0]['body']}\n"
        data = data.encode()
        stored_name = secrets.token_hex(16)
        path = uploads.path_of(folder, stored_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        rows.append({"entry": first_entries[ticket_id], "ticket": ticket_id,
                     "original_name": "laporan.txt", "stored_name": stored_name,
                     "content_type": "text/plain", "size": len(data),
                     "sha256": hashlib.sha256(data).hexdigest(),
                     "created_at": plan["ticket"]["created_at"]})
    Attachment.insert_many(rows).execute()
