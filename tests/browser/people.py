"""The people of the browser tests and of the README screenshots.

Run as a script, with the server's ``FLASK_*`` settings in the environment, it creates the
schema, the reference data and these accounts, as an administrator would before opening
the helpdesk (``python tests/browser/people.py``)."""
import sys
from dataclasses import dataclass, field
from pathlib import Path

PASSWORD = "Rahasia-Helpdesk-2026"


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    role: str = ""
    departments: tuple = field(default_factory=tuple)
    password: str = PASSWORD


CITIZEN = Person("warga@contoh.id", "Siti Warga")
VISITOR = Person("visitor@example.org", "John Visitor")  # reads the portal in English
AGENT = Person("agus@kemensos.go.id", "Agus Petugas", "agent", ("Helpdesk Pusdatin", "Tim SIKS-NG"))
DATA_AGENT = Person("dodi@kemensos.go.id", "Dodi Data", "agent", ("Tim Data Terpadu",))
SUPERVISOR = Person("sari@kemensos.go.id", "Sari Supervisor", "supervisor")
# sets up two-factor sign-in in its test (and signs out, which ends its other sessions)
GUARDED_AGENT = Person("tegar@kemensos.go.id", "Tegar Petugas", "agent", ("Tim SIKS-NG",))
ADMIN = Person("ani@kemensos.go.id", "Ani Admin", "admin")
EVERYONE = (CITIZEN, VISITOR, AGENT, DATA_AGENT, SUPERVISOR, GUARDED_AGENT, ADMIN)


def create_accounts():
    from flask import current_app
    from flask_security import hash_password

    from helpdesk import migrations, seed
    from helpdesk.cli import add_staff
    from helpdesk.db import atomic, db
    from helpdesk.models import Department, utcnow

    datastore = current_app.extensions["security"].datastore
    with db.database.connection_context():
        migrations.upgrade(db.database)
        with atomic():
            seed.seed()
            for person in EVERYONE:
                if person.role:
                    departments = Department.select().where(
                        Department.name.in_(person.departments))
                    add_staff(datastore, person.email, person.role, departments,
                              person.full_name, person.password)
                else:
                    user = datastore.find_user(email=person.email) or datastore.create_user(
                        email=person.email, confirmed_at=utcnow())
                    user.full_name = person.full_name
                    user.password = hash_password(person.password)
                    datastore.put(user)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from app import create_app

    with create_app().app_context():
        create_accounts()
