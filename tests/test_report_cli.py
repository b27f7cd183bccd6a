"""``flask report``: the dashboard's workbook from the command line, refused input with a
translated message, and the workbook mailed through the outbox."""
import io
import re

import openpyxl
import pytest

from helpdesk.models import OutboxAttachment

from conftest import body_of

NOVEMBER = ["--from", "2026-11-01", "--to", "2026-11-30"]


def report(runner, *args):
    return runner.invoke(args=["report", *args])


def cover(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2, max_col=2)
            if row[0].value}


def test_the_workbook_is_written_with_progress(runner, history, tmp_path):
    out = tmp_path / "laporan.xlsx"
    result = report(runner, *NOVEMBER, "--out", str(out), "--by", "kepala@kemensos.go.id")
    assert result.exit_code == 0, result.output
    assert "Menghitung laporan" in result.output
    assert "9/9 Survei Kepuasan Masyarakat (SKM)" in result.output  # one plain line per step outside a terminal
    assert f"Buku kerja ditulis: {out}" in result.output
    figures = cover(out.read_bytes())
    assert figures["Tiket dibuat"] == 7 and figures["Selesai"] == 4
    assert figures["Topik bantuan"] == "Semua topik bantuan"
    assert figures["Dibuat oleh"] == "kepala@kemensos.go.id"


def test_filters_by_topic_and_department_name(runner, history, tmp_path):
    out = tmp_path / "data.xlsx"
    result = report(runner, *NOVEMBER, "--topic", "data terpadu", "--department",
                    "Tim SIKS-NG", "--out", str(out))
    assert result.exit_code == 0, result.output
    figures = cover(out.read_bytes())
    assert (figures["Topik bantuan"], figures["Unit"]) == ("Data Terpadu", "Tim SIKS-NG")
    assert figures["Tiket dibuat"] == 1  # T5, now in Tim SIKS-NG


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-13-01", "--to", "2026-11-30"],
     "--from 2026-13-01 bukan tanggal: silakan tulis sebagai TTTT-BB-HH"),
    (["--from", "2026-11-01", "--to", "30-11-2026"], "--to 30-11-2026 bukan tanggal"),
    (["--from", "2026-11-30", "--to", "2026-11-01"], "Periode tidak dapat berakhir sebelum dimulai."),
    ([*NOVEMBER, "--topic", "Bansos"],
     "Tidak ada topik bantuan bernama Bansos. Silakan gunakan salah satu dari: "
     "Aplikasi SIKS-NG, Bantuan Umum, Data Terpadu, Email Kemsos, Internet/Jaringan."),
    ([*NOVEMBER, "--department", "Tim Lain"], "Tidak ada unit bernama Tim Lain."),
    ([*NOVEMBER, "--mail", "bukan-alamat"], "bukan-alamat bukan alamat email."),
])
def test_bad_input_is_refused_with_a_translated_message(runner, tmp_path, args, message):
    out = tmp_path / "r.xlsx"
    result = report(runner, *args, "--out", str(out))
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists()


def test_a_path_that_cannot_be_written_is_refused_before_the_work(runner, tmp_path):
    missing = tmp_path / "tidak-ada" / "r.xlsx"
    result = report(runner, *NOVEMBER, "--out", str(missing))
    assert result.exit_code != 0
    assert f"Buku kerja tidak dapat ditulis ke {missing}: folder" in result.output
    assert "Menghitung laporan" not in result.output
    result = report(runner, *NOVEMBER, "--out", str(tmp_path))
    assert result.exit_code != 0 and "itu sebuah folder" in result.output


def test_the_workbook_is_mailed_to_each_address(runner, history, tmp_path, mailbox,
                                                make_user):
    make_user("kepala@kemensos.go.id", roles=["supervisor"], full_name="Kepala Pusdatin",
              locale="en")
    out = tmp_path / "r.xlsx"
    result = report(runner, *NOVEMBER, "--out", str(out), "--by", "operator@kemensos.go.id",
                    "--mail", "kepala@kemensos.go.id", "--mail", "arsip@contoh.id")
    assert result.exit_code == 0, result.output
    assert "2 email masuk antrean" in result.output

    [mail] = mailbox.to("arsip@contoh.id")
    assert mail["Subject"] == "Laporan helpdesk 1 Nov 2026 – 30 Nov 2026"
    text = body_of(mail)
    assert "Yth. Bapak/Ibu arsip@contoh.id," in text
    assert "laporan helpdesk untuk 1 Nov 2026 sampai 30 Nov 2026" in text
    assert "Diminta oleh: operator@kemensos.go.id" in text
    assert re.search(r"Dibuat pada: \d+ \w+ \d{4}, \d\d\.\d\d WIB", text)
    assert "Email ini dikirim otomatis" in text and "Hormat kami," in text
    [attached] = list(mail.iter_attachments())
    assert attached.get_filename() == "laporan-helpdesk-2026-11-01-2026-11-30.xlsx"
    assert attached.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert attached.get_content() == out.read_bytes()
    assert cover(attached.get_content())["Tiket dibuat"] == 7

    [mail] = mailbox.to("kepala@kemensos.go.id")  # a user: in their language
    assert mail["Subject"] == "Helpdesk report 1 Nov 2026 – 30 Nov 2026"
    assert "This e-mail is automatic" in body_of(mail)
    assert OutboxAttachment.select().count() == 2


def test_a_failed_write_is_reported_without_a_traceback(runner, tmp_path, monkeypatch):
    from helpdesk import cli_report

    monkeypatch.setattr(cli_report, "_check_writable", lambda path: None)  # a folder gone
    missing = tmp_path / "hilang" / "r.xlsx"                                # meanwhile
    result = report(runner, *NOVEMBER, "--out", str(missing))
    assert result.exit_code == 1
    assert f"Buku kerja tidak dapat ditulis ke {missing}: No such file" in result.output


def test_without_the_sites_address_breaches_have_no_link(runner, history, tmp_path):
    out = tmp_path / "r.xlsx"
    assert report(runner, *NOVEMBER, "--out", str(out)).exit_code == 0
    sheet = openpyxl.load_workbook(out)["Tiket melewati batas waktu"]
    assert sheet["A2"].value == str(history["T5"].number) and sheet["A2"].hyperlink is None


@pytest.fixture
def public_url(config):
    config["PUBLIC_URL"] = "https://helpdesk.kemensos.go.id"


def test_with_the_sites_address_breaches_link_to_the_desk(public_url, runner, history,
                                                          tmp_path):
    out = tmp_path / "r.xlsx"
    assert report(runner, *NOVEMBER, "--out", str(out)).exit_code == 0
    sheet = openpyxl.load_workbook(out)["Tiket melewati batas waktu"]
    assert sheet["A2"].hyperlink.target == (
        f"https://helpdesk.kemensos.go.id/admin/ticket/details/?id={history['T5'].id}")


@pytest.mark.alters_schema
def test_upgrade_adds_the_attachments_table(app):
    from helpdesk import migrations
    from helpdesk.db import db

    db.database.drop_tables([OutboxAttachment])
    migrations.upgrade(db.database)
    assert OutboxAttachment.table_exists()
