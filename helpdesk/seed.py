"""The reference data every installation starts with. Seeding twice changes nothing, and
never overwrites what an administrator has edited since."""
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


def seed():
    for name, description in ROLES.items():
        Role.get_or_create(name=name, defaults={"description": description})
    departments = {}
    for name, description in DEPARTMENTS.items():
        departments[name], _ = Department.get_or_create(
            name=name, defaults={"description": description})
    for order, (name, department, description) in enumerate(TOPICS):
        HelpTopic.get_or_create(name=name, defaults={
            "department": departments[department], "description": description,
            "sla_hours": 48, "sort_order": order})
    seed_survey()
