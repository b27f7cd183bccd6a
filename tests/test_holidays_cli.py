"""``flask holidays import YEAR`` fills the default working calendar (or one named) with
the year's Indonesian public holidays, keeps what is already there, and says what it added;
``flask holidays list YEAR`` shows a calendar's days off."""
from datetime import date

from helpdesk import sla_plans
from helpdesk.models import HelpTopic
from helpdesk.sla_models import CalendarDay, WorkCalendar


def test_import_fills_the_default_calendar_and_the_due_times_follow(app, runner):
    with app.app_context():
        topic = HelpTopic.get(HelpTopic.name == "Bantuan Umum")
        assert sla_plans.targets_for(topic).first_response_calendar.closed == frozenset()
    said = runner.invoke(args=["holidays", "import", "2027"])
    assert said.exit_code == 0, said.output
    assert "Rab, 10 Mar 2027  Hari Raya Idul Fitri (perkiraan) (hari libur nasional)" in \
        said.output
    assert said.output.endswith(
        "18 hari libur nasional 2027 ditambahkan ke Jam kerja Pusdatin (WIB).\n")
    with app.app_context():
        days = {d.day: (d.name, d.kind) for d in CalendarDay.select()}
        assert days[date(2027, 8, 17)] == ("Hari Kemerdekaan Republik Indonesia", "holiday")
        assert len(days) == 18
        closed = sla_plans.targets_for(topic).first_response_calendar.closed
    assert date(2027, 3, 10) in closed and date(2027, 12, 25) in closed


def test_import_again_keeps_hand_edits(app, runner):
    runner.invoke(args=["holidays", "import", "2027"])
    with app.app_context():
        calendar = WorkCalendar.get()
        CalendarDay.update(name="Idul Fitri 1448 H").where(
            CalendarDay.day == date(2027, 3, 10)).execute()
        CalendarDay.delete().where(CalendarDay.day == date(2027, 12, 26)).execute()
        CalendarDay.create(calendar=calendar, day=date(2027, 3, 12), name="Cuti bersama",
                           kind="cuti_bersama")
    said = runner.invoke(args=["holidays", "import", "2027"])
    assert said.output == ("Min, 26 Des 2027  Isra Mikraj Nabi Muhammad (hari libur nasional)\n"
                           "1 hari libur nasional 2027 ditambahkan ke "
                           "Jam kerja Pusdatin (WIB).\n")
    with app.app_context():
        assert CalendarDay.get(CalendarDay.day == date(2027, 3, 10)).name == \
            "Idul Fitri 1448 H"
        assert CalendarDay.select().count() == 19
    listed = runner.invoke(args=["holidays", "list", "2027"]).output
    assert "Jum, 12 Mar 2027  Cuti bersama (cuti bersama)" in listed
    assert listed.endswith("19 hari libur 2027 di Jam kerja Pusdatin (WIB).\n")
    assert runner.invoke(args=["holidays", "list", "2028"]).output == \
        "0 hari libur 2028 di Jam kerja Pusdatin (WIB).\n"


def test_a_named_calendar_and_an_unknown_one(app, runner):
    with app.app_context():
        WorkCalendar.create(name="Balai Makassar (WITA)", zone="Asia/Makassar")
    said = runner.invoke(args=["holidays", "import", "2026", "--calendar",
                               "Balai Makassar (WITA)"])
    assert said.exit_code == 0 and "Balai Makassar (WITA)" in said.output
    with app.app_context():
        assert {d.calendar.name for d in CalendarDay.select()} == {"Balai Makassar (WITA)"}
    unknown = runner.invoke(args=["holidays", "list", "2026", "--calendar", "Tidak Ada"])
    assert unknown.exit_code == 2
    assert "Tidak ada kalender kerja bernama Tidak Ada." in unknown.output


def test_the_commands_speak_english_on_request(app, runner):
    app.config["CLI_LOCALE"] = "en"
    said = runner.invoke(args=["holidays", "import", "2027"]).output
    assert "Wed, 10 Mar 2027  Hari Raya Idul Fitri (perkiraan) (public holiday)" in said
    assert said.endswith("18 public holidays of 2027 added to Jam kerja Pusdatin (WIB).\n")


def test_the_help_is_in_indonesian(app):
    from click.testing import CliRunner
    from flask.cli import FlaskGroup

    flask = FlaskGroup(create_app=lambda: app)
    said = CliRunner().invoke(flask, ["holidays", "import", "--help"]).output
    assert "Menambahkan hari libur nasional Indonesia satu tahun ke kalender kerja" in said
    assert "Nama kalender kerja (bawaan: kalender paket SLA bawaan)." in said
