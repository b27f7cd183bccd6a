"""The seeded role and help-topic descriptions follow the Indonesian glossary (they were
partly English, or said "Kemsos", "online", "offline", "mobile"). Only descriptions still
holding the old seeded text change: what an administrator wrote stays."""
from ..models import HelpTopic, Role
from ..seed import ROLES, TOPICS

OLD_ROLES = {
    "agent": "Helpdesk officer: answers the tickets of their departments",
    "supervisor": "Reads every queue and the reports",
    "admin": "Manages users, departments, help topics and settings",
}
OLD_TOPICS = {
    "Aplikasi SIKS-NG":
        "Semua masalah dan informasi terkait aplikasi SIKS-NG versi online, offline dan mobile.",
    "Bantuan Umum":
        "Masalah, keluhan dan informasi terkait tugas pokok dan fungsi Kementerian Sosial.",
    "Data Terpadu": "Masalah, keluhan dan informasi terkait data terpadu bantuan sosial.",
    "Email Kemsos": "Penggunaan email Kemsos: upgrade kuota, perubahan dan penghapusan.",
}


def up(migrator, database):
    for name, old in OLD_ROLES.items():
        Role.update(description=ROLES[name]).where(
            (Role.name == name) & (Role.description == old)).execute()
    new_topics = {name: description for name, _, description in TOPICS}
    for name, old in OLD_TOPICS.items():
        HelpTopic.update(description=new_topics[name]).where(
            (HelpTopic.name == name) & (HelpTopic.description == old)).execute()
