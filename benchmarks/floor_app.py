"""The floor the helpdesk's pages are measured against (``load.py --floor``): a bare Flask
app, with nothing but its database driver, that serves one indexed page of the newest 50
tickets rendered by Jinja (``GET /page``) and inserts one row per request, committed
(``POST /insert``). What this machine serves of it, under the same gunicorn and clients,
says how fast the machine is: the helpdesk's figures are read against it.

    FLOOR_DATABASE_URL=sqlite:////tmp/bench.db gunicorn floor_app:app
"""
import os
import sqlite3
from datetime import datetime, timezone

from flask import Flask, render_template_string, request

URL = os.environ.get("FLOOR_DATABASE_URL", "")
PAGE = """<!DOCTYPE html><html><head><title>Tickets</title></head><body><table>
{% for id, number, subject, status, created in rows %}<tr><td>{{ id }}</td><td>{{ number }}</td>
<td>{{ subject }}</td><td>{{ status }}</td><td>{{ created }}</td></tr>
{% endfor %}</table></body></html>"""
NEWEST = "SELECT id, number, subject, status, created_at FROM ticket ORDER BY id DESC LIMIT 50"

app = Flask(__name__)
_connection = []  # one per process: gunicorn's sync workers serve one request at a time


def connect(url):
    """A DB-API connection and its parameter mark, for a sqlite:/// or postgresql:// URL."""
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection, "?"
    import psycopg2

    return psycopg2.connect(url.replace("+pool", "")), "%s"


def create_probe_table(url):
    """The table ``/insert`` writes to, empty (the tickets are left alone)."""
    connection, _ = connect(url)
    cursor = connection.cursor()
    cursor.execute("DROP TABLE IF EXISTS floor_probe")
    kind = "INTEGER PRIMARY KEY" if url.startswith("sqlite") else "SERIAL PRIMARY KEY"
    cursor.execute(f"CREATE TABLE floor_probe (id {kind}, note TEXT, created_at TIMESTAMP)")
    connection.commit()
    connection.close()


def _database():
    if not _connection:
        _connection.append(connect(URL))
    return _connection[0]


@app.get("/page")
def page():
    connection, _ = _database()
    cursor = connection.cursor()
    cursor.execute(NEWEST)
    rows = cursor.fetchall()
    if not URL.startswith("sqlite"):
        connection.rollback()  # end the read's transaction, as a pooled app would
    return render_template_string(PAGE, rows=rows)


@app.post("/insert")
def insert():
    connection, mark = _database()
    cursor = connection.cursor()
    cursor.execute(f"INSERT INTO floor_probe (note, created_at) VALUES ({mark}, {mark})",
                   (request.form.get("note", ""), datetime.now(timezone.utc)
                    .replace(tzinfo=None).isoformat(" ")))
    connection.commit()
    return "", 204
