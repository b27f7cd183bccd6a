"""The reference data every installation starts with. Seeding twice changes nothing, and
never overwrites what an administrator has edited since."""
from .db import db
from .models import Department, HelpTopic, Role
from .survey_seed import seed_survey

ROLES = {
    "agent": "Petugas helpdesk: menjawab tiket unit kerjanya",
    "supervisor": "Memantau semua antrean dan laporan",
    "admin": "Mengelola pengguna, unit, topik bantuan, dan pengaturan",
}

DEPARTMENTS = {
    "Helpdesk Pusdatin": "Layanan lini pertama Pusdatin Kesos.",
    "Tim SIKS-NG": "Tim aplikasi SIKS-NG.",
    "Tim Data Terpadu": "Tim data terpadu kesejahteraan sosial.",
    "Tim Email": "Tim layanan email Kemensos.",
    "Tim Jaringan": "Tim internet dan jaringan.",
}

TOPICS = [
    ("Aplikasi SIKS-NG", "Tim SIKS-NG",
     "Semua masalah dan informasi terkait aplikasi SIKS-NG versi daring, luring, dan seluler."),
    ("Bantuan Umum", "Helpdesk Pusdatin",
     "Masalah, keluhan, dan informasi terkait tugas pokok dan fungsi Kementerian Sosial."),
    ("Data Terpadu", "Tim Data Terpadu",
     "Masalah, keluhan, dan informasi terkait data terpadu bantuan sosial."),
    ("Email Kemsos", "Tim Email",
     "Penggunaan email Kemensos: penambahan kuota, perubahan, dan penghapusan."),
    ("Internet/Jaringan", "Tim Jaringan",
     "Optimalisasi internet dan jaringan di Kementerian Sosial."),
]


# (comments, not docstrings, here: every string of this module is checked as seeded text)
def seed():
    # The roles, departments and help topics a new helpdesk starts with; those already
    # there (by name) are left as they are. Three statements and a read, in one
    # transaction: it also runs before every test.
    with db.database.atomic():
        Role.insert_many([{"name": name, "description": description}
                          for name, description in ROLES.items()]).on_conflict_ignore().execute()
        Department.insert_many([{"name": name, "description": description}
                                for name, description in DEPARTMENTS.items()]
                               ).on_conflict_ignore().execute()
        departments = dict(Department.select(Department.name, Department.id).tuples())
        HelpTopic.insert_many([
            {"name": name, "department": departments[department], "description": description,
             "sla_hours": 48, "sort_order": order}
            for order, (name, department, description) in enumerate(TOPICS)]
        ).on_conflict_ignore().execute()
        seed_survey()
