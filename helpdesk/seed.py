"""The reference data every installation starts with. Seeding twice changes nothing, and
never overwrites what an administrator has edited since."""
from .models import Department, HelpTopic, Role

ROLES = {
    "agent": "Helpdesk officer: answers the tickets of their departments",
    "supervisor": "Reads every queue and the reports",
    "admin": "Manages users, departments, help topics and settings",
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
     "Semua masalah dan informasi terkait aplikasi SIKS-NG versi online, offline dan mobile."),
    ("Bantuan Umum", "Helpdesk Pusdatin",
     "Masalah, keluhan dan informasi terkait tugas pokok dan fungsi Kementerian Sosial."),
    ("Data Terpadu", "Tim Data Terpadu",
     "Masalah, keluhan dan informasi terkait data terpadu bantuan sosial."),
    ("Email Kemsos", "Tim Email",
     "Penggunaan email Kemsos: upgrade kuota, perubahan dan penghapusan."),
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
