"""Invented history for ``flask demo-data``: when tickets come in over a year, and what then
happens to each (transfer, claim, first response, resolution, reopening, SLA breach,
closing), as rows ready for a bulk insert.

Times are whole seconds from ``Calendar.base`` (a UTC hour) until written out as text. The
staff work in office hours (Monday to Friday, 08.00-16.00 WIB, not on public holidays or
the Idul Fitri leave), so a ticket filed on Friday evening waits for Monday and may breach
its "2 × 24 jam". Citizens write at any hour, mostly in office hours, less on weekends,
more at the start of the year and in the months bansos is paid, little around Idul Fitri.
"""
import json
import math
from bisect import bisect
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from .models import EntryKind, TicketStatus

ZONE = "Asia/Jakarta"
DAYS = 365
HORIZON_DAYS = 120  # office time known beyond now (work planned after now is not written)
NEVER = 1 << 62
SLA_CHECK_SECONDS = 300  # the sla-check cron: a breach is flagged within five minutes

MONTHS = (1.45, 1.3, 1.05, 1.2, 0.95, 0.9, 1.25, 1.05, 0.95, 1.15, 1.0, 0.8)  # Jan..Dec
WEEKDAYS = (1.25, 1.1, 1.05, 1.0, 0.85, 0.3, 0.2)  # Mon..Sun
HOURS = (0.04, 0.03, 0.02, 0.02, 0.03, 0.08, 0.2, 0.5, 1.6, 2.0, 2.0, 1.8,
         1.0, 1.6, 1.7, 1.4, 0.8, 0.5, 0.4, 0.4, 0.35, 0.3, 0.15, 0.08)  # 00..23 WIB
HOLIDAYS = ((1, 1), (5, 1), (6, 1), (8, 17), (12, 25))
IDUL_FITRI = tuple(date.fromisoformat(d) for d in (
    "2024-04-10", "2025-03-31", "2026-03-20", "2027-03-10", "2028-02-27", "2029-02-14",
    "2030-02-05", "2031-01-25", "2032-01-14"))
BANSOS_MONTHS = (1, 2, 4, 7, 10)  # the quarters' payments: more questions on aid and data
TOPIC_WEIGHTS = {"Bantuan Umum": 3.0, "Data Terpadu": 3.5, "Aplikasi SIKS-NG": 2.5,
                 "Email Kemsos": 1.0, "Internet/Jaringan": 1.0}
BANSOS_TOPICS = ("Bantuan Umum", "Data Terpadu")

# work minutes (office time) at speed 1: lognormal median and spread
RESPONSE = (math.log(40), 0.9)
RESOLUTION = (math.log(180), 1.1)
RESOLVED_BY_FIRST_REPLY = 0.3
STUCK, STUCK_FACTOR = 0.03, 25  # waiting for another unit: much longer to resolve
ABANDONED = 0.004  # answered but never resolved
TRANSFERRED = 0.06
REOPENED = 0.07
CLOSED = 0.85  # resolved tickets closed later (the rest stay resolved)
SUBJECTS = {
    "Aplikasi SIKS-NG": ["Tidak bisa login SIKS-NG", "Sinkronisasi SIKS-NG luring gagal",
                         "Menu verivali tidak muncul", "Aplikasi SIKS-NG seluler error"],
    "Bantuan Umum": ["Informasi penyaluran bansos", "Pengaduan bantuan belum diterima",
                     "Pertanyaan tugas dan fungsi Kemensos"],
    "Data Terpadu": ["NIK tidak ditemukan di DTKS", "Usulan perbaikan data DTKS",
                     "Data ganda di data terpadu", "Status kepesertaan tidak sesuai"],
    "Email Kemsos": ["Permintaan upgrade kuota email", "Lupa kata sandi email Kemensos",
                     "Penghapusan akun email pegawai pindah"],
    "Internet/Jaringan": ["Internet kantor lambat", "Wi-Fi ruang rapat tidak tersambung",
                          "VPN tidak bisa tersambung"],
}
REGIONS = ["Kab. Bogor", "Kota Medan", "Kab. Gowa", "Kota Kupang", "Kab. Banyumas",
           "Kota Ambon", "Kab. Sleman", "Kota Pontianak", "Kab. Lombok Timur", "Kota Jayapura"]
MESSAGES = [
    "Mohon bantuan, sejak kemarin kami operator di {region} mengalami kendala ini.",
    "Sudah dicoba beberapa kali tetapi hasilnya tetap sama. Terlampir tangkapan layar.",
    "Kendala ini menghambat pelayanan kepada masyarakat di {region}. Terima kasih.",
    "Apakah ada jadwal perbaikan? Kami perlu menyelesaikan laporan minggu ini.",
]
FIRST_RESPONSES = [
    "Terima kasih atas laporannya. Tim kami sedang memeriksa kendala tersebut.",
    "Silakan coba kembali setelah membersihkan cache peramban, lalu kabari kami hasilnya.",
    "Data sudah kami teruskan ke tim terkait untuk ditindaklanjuti.",
]
RESOLUTIONS = [
    "Perbaikan sudah dilakukan. Mohon konfirmasi apakah kendala sudah teratasi.",
    "Data sudah diperbarui. Silakan periksa kembali; tiket ini kami tandai selesai.",
    "Kendala sudah teratasi. Jika muncul lagi, silakan balas tiket ini.",
]
FOLLOW_UPS = ["Kendala yang sama muncul lagi hari ini di {region}. Mohon dicek kembali.",
              "Maaf, setelah dicoba ulang ternyata masih gagal."]
TRANSFER_COMMENT = "Bukan bidang kami, kami pindahkan ke unit yang menangani."


class Calendar:
    """A year of hours up to ``now`` (naive UTC): the citizens' volume per hour and the
    staff's office time, and the text form of a time as the database stores it."""

    def __init__(self, now, rng):
        self.base = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=DAYS)
        self.now = int((now - self.base).total_seconds())
        offset = ZoneInfo(ZONE).utcoffset(now)
        hours = self.now // 3600 + 1 + HORIZON_DAYS * 24
        local = [self.base + offset + timedelta(hours=h) for h in range(hours)]
        self.prefix = [(self.base + timedelta(hours=h)).strftime("%Y-%m-%d %H:")
                       for h in range(hours)]
        self.office, self.office_before = [], []
        noise = {}
        self.weights = []
        for h, when in enumerate(local):
            day = when.date()
            free = _day_off(day)
            self.office_before.append(len(self.office))
            if not free and when.weekday() < 5 and 8 <= when.hour < 16:
                self.office.append(h)
            if h * 3600 < self.now:
                if day not in noise:
                    noise[day] = rng.lognormvariate(0, 0.15)
                part = min(3600, self.now - h * 3600) / 3600  # the hour now under way
                self.weights.append(MONTHS[when.month - 1] * WEEKDAYS[when.weekday()]
                                    * HOURS[when.hour] * _dip(day, free) * noise[day] * part)
        self.months = [when.month for when in local]

    def created_times(self, rng, count):
        """``count`` creation times in order, spread over the year by the weights."""
        total, running, given, times = sum(self.weights), 0.0, 0, []
        for h, weight in enumerate(self.weights):
            running += weight
            n = round(count * running / total) - given
            if n:
                given += n
                start, end = h * 3600, min((h + 1) * 3600, self.now)
                times.extend(sorted(start + rng.randrange(end - start) for _ in range(n)))
        return times

    def after_work(self, start, minutes):
        """The time ``minutes`` of office time after ``start`` (NEVER past the horizon)."""
        hour = start // 3600
        if hour >= len(self.office_before):
            return NEVER
        position = self.office_before[hour] * 3600
        if self.office_before[hour] < len(self.office) and self.office[
                self.office_before[hour]] == hour:
            position += start % 3600
        position += int(minutes * 60)
        k = position // 3600
        return self.office[k] * 3600 + position % 3600 if k < len(self.office) else NEVER

    def stamp(self, seconds):
        return self.prefix[seconds // 3600] + MINUTES_SECONDS[seconds % 3600]

    def month_of(self, seconds):
        return self.months[seconds // 3600]


MINUTES_SECONDS = [f"{m:02d}:{s:02d}" for m in range(60) for s in range(60)]


def _day_off(day):
    if (day.month, day.day) in HOLIDAYS:
        return True
    return any(-2 <= (day - fitri).days <= 4 for fitri in IDUL_FITRI)


def _dip(day, free):
    """Fewer tickets on holidays and in the weeks around Idul Fitri (mudik)."""
    near = min(abs((day - fitri).days) for fitri in IDUL_FITRI)
    factor = 0.2 if near <= 3 else 0.55 if near <= 10 else 1.0
    return min(factor, 0.3 if free else 1.0)


class Story:
    """Writes the history of one ticket after another into row lists (``rows``), ready for
    the bulk insert; ``escape`` prepares text for the database's bulk format."""

    def __init__(self, rng, calendar, topics, departments, staff, escape, first_line=None):
        self.rng, self.cal = rng, calendar
        self.topics = topics
        self.sla = {t.id: t.sla_hours * 3600 for t in topics}
        names = [t.name for t in topics]
        self.topic_weights = {}
        for month in range(1, 13):
            boost = 1.6 if month in BANSOS_MONTHS else 1.0
            weights = [TOPIC_WEIGHTS.get(n, 1.0) * (boost if n in BANSOS_TOPICS else 1.0)
                       for n in names]
            self.topic_weights[month] = _cumulative(weights)
        self.staff = {}  # department id: ([agent id], cumulative weights, {agent: speed})
        for department, agents in staff.items():
            self.staff[department] = ([a for a, _, _ in agents],
                                      _cumulative([w for _, _, w in agents]),
                                      {a: s for a, s, _ in agents})
        self.others = {t.id: [d for d in departments if d != t.department_id and d in staff]
                       for t in topics}
        self.first_line = first_line  # the department most transfers come from
        self.subjects = {t.id: [escape(s) for s in SUBJECTS.get(t.name, ["Pertanyaan"])]
                         for t in topics}
        self.messages = [escape(m.format(region=r)) for m in MESSAGES for r in REGIONS]
        self.follow_ups = [escape(m.format(region=r)) for m in FOLLOW_UPS for r in REGIONS]
        self.first_responses = [escape(m) for m in FIRST_RESPONSES]
        self.resolutions = [escape(m) for m in RESOLUTIONS]
        self.transfer_detail = {
            (s, t): escape(json.dumps({"source": departments[s], "target": departments[t],
                                       "comment": TRANSFER_COMMENT}, ensure_ascii=False))
            for s in departments for t in departments if s != t}
        self.reopen_detail = escape(json.dumps({"reason": "reply"}))
        self.clear()

    def clear(self):
        self.tickets, self.entries, self.events = [], [], []
        self.participants, self.transfers = [], []

    def pick_topic(self, created):
        weights = self.topic_weights[self.cal.month_of(created)]
        return self.topics[bisect(weights, self.rng.random() * weights[-1])]

    def _agent(self, department):
        agents, weights, speeds = self.staff[department]
        agent = agents[bisect(weights, self.rng.random() * weights[-1])]
        return agent, speeds[agent]

    def tell(self, ticket_id, number, created, requester):
        """Invent what happened to one ticket created at ``created`` (seconds)."""
        rng, cal, now = self.rng, self.cal, self.cal.now
        topic = self.pick_topic(created)
        department = topic.department_id
        stamp = cal.stamp
        events, entries = self.events, self.entries
        events.append((ticket_id, requester, "opened", "", stamp(created)))
        entries.append((ticket_id, requester, EntryKind.MESSAGE,
                        self.messages[int(rng.random() * len(self.messages))], stamp(created)))
        last = created
        worked = set()
        start = created
        if department not in self.staff:
            return self._write(ticket_id, number, topic, requester, created, None, last)
        if rng.random() < TRANSFERRED and self.others[topic.id]:
            others = self.others[topic.id]
            source = self.first_line if self.first_line in others and rng.random() < 0.6 \
                else others[int(rng.random() * len(others))]
            mover, speed = self._agent(source)
            moved = cal.after_work(created, speed * rng.lognormvariate(*RESPONSE))
            if moved > now:
                return self._write(ticket_id, number, topic, requester, created, None, last,
                                   department=source)
            events.append((ticket_id, mover, "transferred",
                           self.transfer_detail[(source, department)], stamp(moved)))
            self.transfers.append((ticket_id, source, department, stamp(moved)))
            worked.add(mover)
            start = last = moved
        agent, speed = self._agent(department)
        answered = cal.after_work(start, speed * rng.lognormvariate(*RESPONSE))
        claimed = max(start, answered - 60 * int(1 + rng.random() * 20))
        if claimed > now:
            return self._write(ticket_id, number, topic, requester, created, None, last,
                               worked=worked)
        worked.add(agent)
        events.append((ticket_id, agent, "claimed", "", stamp(claimed)))
        last = claimed
        if answered > now:
            return self._write(ticket_id, number, topic, requester, created, agent, last,
                               worked=worked)
        entries.append((ticket_id, agent, EntryKind.RESPONSE,
                        self.first_responses[int(rng.random() * 3)], stamp(answered)))
        resolved = self._resolution(answered, speed)
        if resolved != answered and resolved <= now:
            entries.append((ticket_id, agent, EntryKind.RESPONSE,
                            self.resolutions[int(rng.random() * 3)], stamp(resolved)))
        return self._after_response(ticket_id, number, topic, requester, created, agent,
                                    speed, answered, resolved, worked)

    def _resolution(self, answered, speed):
        rng = self.rng
        draw = rng.random()
        if draw < ABANDONED:
            return NEVER
        if draw < RESOLVED_BY_FIRST_REPLY:
            return answered
        factor = STUCK_FACTOR if rng.random() < STUCK else 1
        return self.cal.after_work(answered, factor * speed * rng.lognormvariate(*RESOLUTION))

    def _after_response(self, ticket_id, number, topic, requester, created, agent, speed,
                        answered, resolved, worked):
        rng, cal, now, stamp = self.rng, self.cal, self.cal.now, self.cal.stamp
        events = self.events
        opened_again = resolved_again = NEVER
        if resolved <= now:
            events.append((ticket_id, agent, TicketStatus.RESOLVED, "", stamp(resolved)))
            if rng.random() < REOPENED:
                opened_again = resolved + int(3600 + rng.random() * 4 * 86400)
        if opened_again <= now:
            events.append((ticket_id, requester, "reopened", self.reopen_detail,
                           stamp(opened_again)))
            self.entries.append((ticket_id, requester, EntryKind.MESSAGE,
                                 self.follow_ups[int(rng.random() * len(self.follow_ups))],
                                 stamp(opened_again)))
            resolved_again = cal.after_work(opened_again,
                                            speed * rng.lognormvariate(*RESOLUTION))
            if resolved_again <= now:
                events.append((ticket_id, agent, TicketStatus.RESOLVED, "",
                               stamp(resolved_again)))
                self.entries.append((ticket_id, agent, EntryKind.RESPONSE,
                                     self.resolutions[int(rng.random() * 3)],
                                     stamp(resolved_again)))
        final = resolved_again if opened_again <= now else resolved
        closed = NEVER
        if final <= now and rng.random() < CLOSED:
            closed = final + int(3 * 86400 + rng.random() * 4 * 86400)
            if closed <= now:
                events.append((ticket_id, agent, TicketStatus.CLOSED, "", stamp(closed)))
        spans = [(created, resolved)]
        if opened_again <= now:
            spans.append((opened_again, resolved_again))
        last = max(t for t in (answered, resolved, opened_again, resolved_again, closed)
                   if t <= now)
        return self._write(ticket_id, number, topic, requester, created, agent, last,
                           answered=answered, spans=spans, closed=closed, worked=worked)

    def _write(self, ticket_id, number, topic, requester, created, agent, last, *,
               department=None, answered=NEVER, spans=None, closed=NEVER, worked=()):
        """The ticket row as things stand at ``now``, the SLA watch's breach and event."""
        now, stamp = self.cal.now, self.cal.stamp
        due = created + self.sla[topic.id]
        spans = spans or [(created, NEVER)]
        opened, resolved = spans[-1]
        is_open = opened <= now and resolved > now
        status = TicketStatus.OPEN if is_open else (
            TicketStatus.CLOSED if closed <= now else TicketStatus.RESOLVED)
        breached = _breach(spans, due, now)
        if breached is not None:
            self.events.append((ticket_id, None, "overdue", "", stamp(breached)))
        overdue = is_open and max(due, opened) + SLA_CHECK_SECONDS <= now
        final = None if is_open else stamp(resolved)
        self.tickets.append((
            ticket_id, number, self.subjects[topic.id][number % len(self.subjects[topic.id])],
            topic.id, department or topic.department_id, requester, agent, status,
            stamp(created), stamp(last), stamp(due), int(overdue),
            stamp(answered) if answered <= now else None, final,
            stamp(closed) if closed <= now else None,
            stamp(breached) if breached is not None else None,
            # the durations the reports read (as lifecycle.seconds_since_created keeps them)
            answered - created if answered <= now else None,
            None if is_open else resolved - created,
            None if is_open or resolved <= due else resolved - due))
        for user in worked:
            self.participants.append((ticket_id, user))


def _breach(spans, due, now):
    """When the SLA watch first found the ticket open past due (None if never): a few
    minutes after due, or after a reopening that came later than due."""
    for opened, resolved in spans:
        check = max(due, opened) + SLA_CHECK_SECONDS
        if check < resolved and check <= now:
            return check
    return None


def _cumulative(weights):
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out
