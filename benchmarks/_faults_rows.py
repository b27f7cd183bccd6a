"""The faults, one function each: do it to the running helpdesk, measure what happened and
say whether the promise of issue 9 holds. Each returns a Row."""
import os
import queue
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from urllib.parse import quote

from _faults_kit import (AGENT, CITIZEN, PAGE_ERRORS, hidden_fields, odt, pdf,
                         peak_growth_mb, peaks_reset, signed_in)


@dataclass
class Row:
    what: str
    figure: str
    holds: bool


def _pool(browsers):
    idle = queue.Queue()
    for browser in browsers:
        idle.put(browser)
    return idle


def _send_all(rig, count, concurrency, make, on_done=None, browsers=None):
    """``make(browser, i)`` for i in range(count), ``concurrency`` at a time, each with a
    free signed-in browser; returns the replies (a lost connection gives None)."""
    idle = _pool(browsers or signed_in(rig, concurrency))
    replies = [None] * count

    def one(i):
        browser = idle.get()
        try:
            replies[i] = make(browser, i)
        except PAGE_ERRORS:
            replies[i] = None
        finally:
            idle.put(browser)

    with ThreadPoolExecutor(concurrency) as executor:
        for done, future in enumerate(as_completed([executor.submit(one, i)
                                                    for i in range(count)]), 1):
            future.result()
            if on_done:
                on_done(done)
    return replies


def _wait_receipts(rig, numbers, seconds, flush_every=None):
    """Wait until every number has a receipt (running send-mail now and then); returns
    (receipt counts, how the outbox was flushed or None)."""
    deadline, flushed, last_flush = time.monotonic() + seconds, None, time.monotonic()
    while True:
        counts = rig.sink.receipts(numbers)
        if all(counts.values()) or time.monotonic() > deadline:
            time.sleep(1)  # late duplicates would land now
            return rig.sink.receipts(numbers), flushed
        if flush_every and time.monotonic() - last_flush > flush_every:
            flushed, last_flush = rig.send_mail(), time.monotonic()
        time.sleep(0.5)


def _statuses(replies):
    bare = sum(1 for r in replies if r is not None and r.bare_500)
    lost = replies.count(None)
    return bare, lost


def ticket_creations(rig, scale):
    count, concurrency, tag = scale["tickets"], scale["concurrency"], uuid.uuid4().hex[:8]
    evidence = pdf(200 * 1024)
    start = time.monotonic()
    replies = _send_all(rig, count, concurrency, lambda b, i: b.new_ticket(
        f"Uji beban {tag} {i:04d}", files=[(f"surat-{i}.pdf", evidence)] if i % 2 else ()))
    took = time.monotonic() - start
    numbers = [r.number for r in replies if r is not None and r.number]
    like = f"Uji beban {tag} %"
    saved = {n for (n,) in rig.rows("SELECT number FROM ticket WHERE subject LIKE ?", like)}
    duplicates = rig.count("SELECT COUNT(*) - COUNT(DISTINCT subject) FROM ticket "
                           "WHERE subject LIKE ?", like)
    receipts, _ = _wait_receipts(rig, numbers, 120 + count / 2, flush_every=30)
    files, rows, _ = rig.orphans()
    bare, lost = _statuses(replies)
    missing = len(set(numbers) - saved)
    once = sum(1 for c in receipts.values() if c == 1)
    figure = (f"{len(numbers)}/{count} tickets in {took:.0f} s, {len(saved)} saved, "
              f"{missing} missing, {once} with exactly one receipt, {duplicates} duplicates, "
              f"{files + rows} orphans, {bare} bare 500s, {lost} lost connections")
    holds = (len(numbers) == count and not missing and once == len(numbers)
             and duplicates == 0 and files + rows == 0 and bare == 0)
    return Row(f"{count} ticket creations at concurrency {concurrency}, half with a PDF",
               figure, holds)


def smtp_outage(rig, scale):
    count, tag = scale["notifications"], uuid.uuid4().hex[:8]
    stop_at, start_at = max(1, count // 5), max(2, count * 4 // 5)

    def outage(done):
        if done == stop_at:
            rig.sink.stop()
        elif done == start_at:
            rig.sink.start()

    try:
        replies = _send_all(rig, count, 4, lambda b, i: b.new_ticket(f"Uji surel {tag} {i}"),
                            outage)
    finally:
        if rig.sink.controller is None:
            rig.sink.start()
    numbers = [r.number for r in replies if r is not None and r.number]
    failed = rig.count("SELECT COUNT(*) FROM outboxmail WHERE attempts > 0")
    start = time.monotonic()
    flush = rig.send_mail()
    receipts, later = _wait_receipts(rig, numbers, scale["mail_wait"], flush_every=15)
    delivered = sum(1 for c in receipts.values() if c)
    figure = (f"{len(numbers)}/{count} tickets, {failed} mails failed during the outage, "
              f"{delivered}/{len(numbers)} receipts delivered "
              f"{time.monotonic() - start:.0f} s after the restart ({later or flush}), "
              f"{sum(receipts.values()) - delivered} duplicates")
    return Row(f"SMTP sink stopped and restarted during {count} notifications", figure,
               len(numbers) == count and delivered == count)


def killed_workers(rig, scale):
    count, kills, tag = scale["uploads"], scale["kills"], uuid.uuid4().hex[:8]
    evidence, in_flight, done = pdf(5 * 1024 * 1024), [0], threading.Event()
    lock, killed = threading.Lock(), []

    def upload(browser, i):
        with lock:
            in_flight[0] += 1
        try:
            return browser.new_ticket(f"Uji unggah {tag} {i}", files=[("bukti.pdf", evidence)])
        finally:
            with lock:
                in_flight[0] -= 1

    def killer():
        """Wait for an upload in flight, kill a worker a moment later, let gunicorn
        replace it, pause, again: ``kills`` times at most."""
        deadline = time.monotonic() + 600
        while len(killed) < kills and not done.is_set() and time.monotonic() < deadline:
            if not in_flight[0]:
                time.sleep(0.02)
                continue
            time.sleep(random.uniform(0.05, 0.3))
            pids = rig.worker_pids()
            if in_flight[0] and pids and rig.kill_worker(random.choice(pids)):
                killed.append(time.monotonic())
                rig.wait_for_workers(30)
                time.sleep(random.uniform(0.2, 1.5))

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:  # ``count`` uploads, and more while the killer has kills left (a bounded while)
        replies, deadline = _send_all(rig, count, 4, upload), time.monotonic() + 300
        while len(killed) < kills and time.monotonic() < deadline:
            offset = len(replies)
            replies += _send_all(rig, 8, 4, lambda browser, i: upload(browser, offset + i))
    finally:
        done.set()
        thread.join(5)
    rig.wait_for_workers()
    numbers = [r.number for r in replies if r is not None and r.number]
    before, _, sizes = rig.orphans()
    partial = sum(1 for size in sizes if size != len(evidence))
    hours_ago = time.time() - 2 * 3600  # as if the cleanup ran on its schedule, hours later
    for path in rig.uploads.rglob("*"):
        os.utime(path, (hours_ago, hours_ago))
    code, output = rig.flask("clean-uploads")
    files, rows, _ = rig.orphans()
    with_file = {n for (n,) in rig.rows(
        "SELECT t.number FROM ticket t JOIN attachment a ON a.ticket_id = t.id "
        "WHERE t.subject LIKE ?", f"Uji unggah {tag} %")}
    lost = len(set(numbers) - with_file)
    note = ("clean-uploads ran" if code == 0 else
            "clean-uploads: no such command" if "no such command" in output.lower() else
            f"clean-uploads exit {code}")
    figure = (f"{len(killed)} kills during {len(replies)} uploads of 5 MB "
              f"({len(numbers)} saved); {before} files without rows ({partial} partial); "
              f"{note}: {files} files without rows, {rows} rows without files, {lost} saved "
              f"tickets lost their file")
    return Row("workers killed (SIGKILL) during 5 MB uploads", figure,
               code == 0 and files == 0 and rows == 0 and lost == 0 and len(killed) == kills)


def terminated_connections(rig, scale):
    count, tag, done = scale["load"], uuid.uuid4().hex[:8], threading.Event()
    terminated = []

    def terminate():
        import psycopg2

        connection = psycopg2.connect(rig.server.database_url)
        connection.autocommit = True
        deadline = time.monotonic() + 600
        try:
            while (len(terminated) < scale["terminations"] and not done.is_set()
                   and time.monotonic() < deadline):
                time.sleep(scale["terminate_every"])
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                    terminated.append(cursor.fetchone()[0])
        finally:
            connection.close()

    def request(browser, i):
        if i % 10 == 0:
            return browser.new_ticket(f"Uji koneksi {tag} {i}")
        return browser.get("/tickets/" if i % 2 else "/tickets/new")

    browsers = signed_in(rig, 9)  # signed in before the first termination
    thread = threading.Thread(target=terminate, daemon=True)
    thread.start()
    try:
        replies = _send_all(rig, count, 8, request, browsers=browsers[:8])
    finally:
        done.set()
        thread.join(10)
    bare, lost = _statuses(replies)
    handled = sum(1 for r in replies if r is not None and r.status >= 500 and not r.bare_500)
    after = []
    for _ in range(20):
        try:
            after.append(browsers[8].get("/tickets/").status)
        except PAGE_ERRORS:
            after.append("lost")
    figure = (f"{len(terminated)} terminations ({sum(terminated)} connections) during {count} "
              f"requests: {bare} bare 500s, {handled} app error pages, {lost} lost connections; "
              f"afterwards {after.count(200)}/20 requests answered")
    return Row("database connections terminated (pg_terminate_backend) during load", figure,
               bare == 0 and after.count(200) == 20 and len(terminated) > 0)


def nul_bytes(rig, scale):
    citizen, agent, stranger = signed_in(rig, 1)[0], rig.browser(AGENT), rig.browser()
    number = citizen.new_ticket("Tiket untuk balasan").number
    totals = rig.totals()
    reply_form = hidden_fields(citizen.get(f"/tickets/{number}").text,
                               f'action="/tickets/{number}')
    register_form = hidden_fields(stranger.get("/register").text, 'name="register_user_form"')
    probes = {
        "subject": lambda: citizen.new_ticket("Judul\x00rusak"),
        "message": lambda: citizen.new_ticket("Pesan rusak", message="isi\x00pesan"),
        "reply": lambda: citizen.post(f"/tickets/{number}", {
            **reply_form, "message": "balasan\x00rusak"}),
        "name": lambda: stranger.post("/register", {
            **register_form, "full_name": "Nama\x00Rusak", "email": "nul@contoh.id",
            "password": "Rahasia-Baru-2026", "password_confirm": "Rahasia-Baru-2026"}),
        "?search=": lambda: agent.get("/admin/ticket/?search=" + quote("a\x00b")),
    }
    seen = {}
    for name, probe in probes.items():
        try:
            reply = probe()
            seen[name] = (reply.status if reply.status != 400 or reply.app_page and
                          'lang="id"' in reply.text else "bare 400")
        except PAGE_ERRORS:
            seen[name] = "lost"
    saved = [a - b for a, b in zip(rig.totals(), totals)]
    figure = (", ".join(f"{name} {status}" for name, status in seen.items())
              + f"; saved: {saved[0]} tickets, {saved[1]} messages, {saved[2]} accounts")
    return Row("NUL bytes in subject, message, reply, registration name, desk search",
               figure, all(s == 400 for s in seen.values()) and not any(saved))


def hostile_archives(rig, scale):
    """Each hostile .odt is refused quickly with little memory; a genuine one, sent last,
    is still accepted (a checker refusing everything would not hold)."""
    citizen = signed_in(rig, 1)[0]
    kinds = {"bomb": odt(mimetype_size=scale["bomb_mb"] * 1024 * 1024),
             "encrypted": odt(damage="encrypted"), "corrupt": odt(damage="corrupt"),
             "deflate64": odt(damage="deflate64"), "genuine": odt()}
    results, holds = [], True
    for kind, data in kinds.items():
        before, name = rig.totals(), f"arsip-{kind}.odt"
        peaks = peaks_reset(rig.worker_pids())
        try:
            reply = citizen.new_ticket(f"Arsip {kind}", files=[(name, data)])
            status, seconds = reply.status, reply.seconds
            refused = status == 400 or status == 200 and name in reply.text
        except PAGE_ERRORS:
            status, seconds, refused = "lost connection", 0, False
        growth = peak_growth_mb(peaks)
        saved = rig.totals() != before
        if kind == "genuine":
            holds &= saved and status == 302
            results.append(f"genuine {'accepted' if saved else 'not accepted'} ({status})")
            continue
        holds &= refused and seconds < 1 and growth < 50 and not saved
        results.append(f"{kind} {'refused' if refused else 'not refused'} ({status}) "
                       f"{seconds:.1f} s +{growth:.0f} MB" + (", saved" if saved else ""))
    return Row(f"hostile .odt archives (bomb of {scale['bomb_mb']} MB, encrypted, corrupt, "
               "deflate64)", "; ".join(results), holds)


def forged_host(rig, scale):
    browser, evil = rig.browser(), "evil.example"
    sent = len(rig.sink.texts())
    last_row = rig.count("SELECT COALESCE(MAX(id), 0) FROM outboxmail")
    statuses = []
    for header in ({"Host": evil}, {"X-Forwarded-Host": evil}):
        token = browser.form_token("/reset")
        try:
            statuses.append(browser.post("/reset", {"csrf_token": token, "email": CITIZEN.email},
                                         headers=header).status)
        except PAGE_ERRORS:
            statuses.append("lost")
    deadline = time.monotonic() + 20
    # until the genuine reset mail (X-Forwarded-Host is not trusted) is in and nothing these
    # requests queued is left to send: a mail to evil.example would be in the sink by then
    while time.monotonic() < deadline and not (
            any("/reset/" in t for t in rig.sink.texts()[sent:])
            and rig.count("SELECT COUNT(*) FROM outboxmail WHERE id > ? AND sent_at IS NULL "
                          "AND failed_at IS NULL", last_row) == 0):
        time.sleep(0.2)
    mails = [text for text in rig.sink.texts()[sent:] if "/reset/" in text]
    to_evil = sum(1 for text in mails if evil in text)
    figure = (f"Host: {evil} → {statuses[0]}, X-Forwarded-Host: {evil} → {statuses[1]}; "
              f"{len(mails)} reset mails, {to_evil} linking to {evil}")
    return Row("forged Host on a password reset (FLASK_PUBLIC_URL set)", figure,
               statuses[0] == 400 and statuses[1] != "lost" and statuses[1] < 500
               and to_evil == 0)


ROWS = [ticket_creations, smtp_outage, killed_workers, terminated_connections, nul_bytes,
        hostile_archives, forged_host]
