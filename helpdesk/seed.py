"""The reference data every installation starts with. Seeding twice changes nothing, and
never overwrites what an administrator has edited since."""
from datetime import time

from .db import db
from .models import Department, HelpTopic, Role
from .sla_models import SlaPlan, WorkCalendar, WorkHours
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

# the default working calendar (Monday to Friday 08.00-16.00 WIB) and SLA plan: 2 x 24 hours
# to resolve, around the clock as before plans existed, and a first response within 8
# working hours
CALENDAR = ("Jam kerja Pusdatin (WIB)", "Asia/Jakarta", [(day, 8, 16) for day in range(5)])
PLAN = {"name": "Standar 2 × 24 jam", "first_response_hours": 8, "first_response_working": True,
        "resolution_hours": 48, "resolution_working": False}


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
        plan = default_plan()
        HelpTopic.insert_many([
            {"name": name, "department": departments[department], "description": description,
             "sla_hours": 48, "sla_plan": plan, "sort_order": order}
            for order, (name, department, description) in enumerate(TOPICS)]
        ).on_conflict_ignore().execute()
        seed_survey()


def default_plan():
    # The id of the default SLA plan, made with its calendar when there is none (an
    # administrator's edits to them, or a plan made default instead, are kept).
    found = SlaPlan.select(SlaPlan.id).where(SlaPlan.is_default).limit(1).scalar()
    if found:
        return found
    name, zone, hours = CALENDAR
    calendar = WorkCalendar.get_or_none(WorkCalendar.name == name)
    if calendar is None:
        calendar = WorkCalendar.create(name=name, zone=zone)
        WorkHours.insert_many([{"calendar": calendar, "weekday": day, "start": time(start),
                                "end": time(end)} for day, start, end in hours]).execute()
    plan = SlaPlan.get_or_none(SlaPlan.name == PLAN["name"])
    if plan is None:
        return SlaPlan.insert(calendar=calendar, is_default=True, **PLAN).execute()
    SlaPlan.update(is_default=True).where(SlaPlan.id == plan.id).execute()
    return plan.id
