"""The commands speak Indonesian by default and English with CLI_LOCALE = "en"
(FLASK_CLI_LOCALE=en): their output, their errors and their questions."""
import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup

# (arguments, Indonesian, English): what each command prints on the test database
SAID = [
    (["init-db"], "Basis data siap (tidak ada migrasi tertunda).",
     "Database ready (no migration pending)."),
    (["send-mail"], "0 terkirim, 0 gagal; 0 dalam antrean, 0 tidak dicoba lagi",
     "0 sent, 0 failed; 0 queued, 0 given up"),
    (["send-mail", "--now", "--retry-failed"],
     "0 email yang gagal diantrekan kembali\n0 email yang menunggu pengiriman ulang",
     "0 failed e-mail(s) queued again\n0 e-mail(s) waiting for a retry"),
    (["clean-uploads"], "0 berkas dihapus, 0 bita; 0 dirampungkan",
     "0 file(s) removed, 0 bytes; 0 finalized"),
    (["audit", "prune"], "0 entri jejak audit", "0 audit entries older than 730 days"),
    (["report-summary"], "Ringkasan laporan kini menghitung 0 tiket.",
     "The reports' summary now counts 0 tickets."),
    (["revoke-link", "1000000"], "Tidak ada tiket #1000000.", "There is no ticket #1000000."),
    (["sla-check"], "Atur FLASK_PUBLIC_URL (alamat situs",
     "Set FLASK_PUBLIC_URL (the site's address"),
]


@pytest.mark.parametrize("args, indonesian, english", SAID, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else None)
def test_a_command_speaks_indonesian_then_english(app, runner, args, indonesian, english):
    said = runner.invoke(args=args).output
    assert indonesian in said and english not in said, said
    app.config["CLI_LOCALE"] = "en"
    said = runner.invoke(args=args).output
    assert english in said and indonesian not in said, said


def test_staff_add_speaks_the_clis_language(app, runner):
    said = runner.invoke(args=["staff", "add", "satu@kemensos.go.id", "--role", "agent",
                               "--department", "Tim Email", "--password", "sandi-petugas-99"])
    assert said.output == "satu@kemensos.go.id: agent di Tim Email\n"
    unknown = runner.invoke(args=["staff", "add", "dua@kemensos.go.id", "--role", "agent",
                                  "--department", "Tim Tidak Ada", "--password", "x" * 12])
    assert "unit tidak dikenal: Tim Tidak Ada" in unknown.output
    app.config["CLI_LOCALE"] = "en"
    said = runner.invoke(args=["staff", "add", "satu@kemensos.go.id", "--role", "agent",
                               "--department", "Tim Email", "--password", "sandi-petugas-99"])
    assert said.output == "satu@kemensos.go.id: agent in Tim Email\n"




def test_the_help_is_in_the_clis_language(app):
    """As ``flask send-mail --help`` shows it (the flask command loads the app first)."""
    flask = FlaskGroup(create_app=lambda: app)
    said = CliRunner().invoke(flask, ["send-mail", "--help"]).output
    assert "Mengirim email yang menunggu di kotak keluar" in said
    assert "Mengirim semua email dalam antrean sekaligus" in said  # an option's help
    app.config["CLI_LOCALE"] = "en"
    said = CliRunner().invoke(flask, ["send-mail", "--help"]).output
    assert "Send the e-mails waiting in the outbox" in said
    assert "Send every queued e-mail at once" in said
