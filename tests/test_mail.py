"""`complaints email` against a real SMTP server on 127.0.0.1: who gets what, TLS, login, failures, drafts."""

from __future__ import annotations

import io
import json
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from addin.cli import cli
from addin.mail.message import SENT_LOG
from tests.builders import AS_OF, managers_workbook
from tests.smtp_server import PASSWORD, USER, Mailbox, free_port, smtp_server, tls_files

SENDER = "desk@example.com"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests say every SMTP setting themselves; the machine's own must not leak in."""
    import os

    for name in list(os.environ):
        if name.startswith("COMPLAINTS_"):
            monkeypatch.delenv(name)
    monkeypatch.setitem(__import__("sys").modules, "keyring", None)  # no system keyring in tests


def env(box: Mailbox, security: str = "none", **extra: str) -> dict[str, str]:
    return {
        "COMPLAINTS_SMTP_HOST": box.host,
        "COMPLAINTS_SMTP_PORT": str(box.port),
        "COMPLAINTS_SMTP_SECURITY": security,
        "COMPLAINTS_MAIL_FROM": SENDER,
        **extra,
    }


def email(args: list[str], environment: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, ["email", *args, "--as-of", AS_OF.isoformat()], env=environment)


def attachment(message: EmailMessage) -> openpyxl.Workbook:
    part = next(message.iter_attachments())
    return openpyxl.load_workbook(io.BytesIO(part.get_content()))


def test_each_region_gets_its_slice_and_the_director_the_whole(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    with smtp_server() as box:
        result = email([str(source), "--to", "boss@example.com", "--by-region"], env(box))
    assert result.exit_code == 0, result.output
    assert box.recipients() == [
        ["boss@example.com", "director@example.com"],
        ["east.boss@example.com"],
        ["west2@example.com", "west@example.com"],
    ]
    assert "no recipient for region North" in result.output  # CliRunner mixes stderr in
    whole, east, west = (m for _, _, m in box.received)
    assert all(sender == SENDER for sender, _, _ in box.received)
    assert whole["Subject"] == "Complaints summary — log.xlsx — 2026-11-22"
    assert east["Subject"] == "Complaints summary — log.xlsx — 2026-11-22 — East"
    html = whole.get_body(("html",)).get_content()
    assert ">57.1%</td>" in html and ">76.0</td>" in html and ">C0005</td>" in html
    plain = east.get_body(("plain",)).get_content()
    assert "West" not in plain and "C0005" not in plain  # only East's own complaints
    book = attachment(whole)
    assert book.sheetnames == ["Summary", "Scores", "Flags"]
    summary = [list(r) for r in book["Summary"].iter_rows(values_only=True)]
    assert next(r for r in summary if r[0] == "Complaints received")[1] == 7
    east_book = attachment(east)
    assert east_book.sheetnames == ["Summary", "Flags"]
    assert {r[1] for r in east_book["Flags"].iter_rows(min_row=5, values_only=True) if r[0]} == {"East"}


def test_a_rejected_address_fails_only_its_message_and_a_rerun_sends_only_what_did_not_go(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    with smtp_server(reject=("east.boss@example.com",)) as box:
        first = email([str(source), "--by-region"], env(box))
        assert first.exit_code == 4, first.output
        assert "not sent: East -> east.boss@example.com: east.boss@example.com rejected (550" in first.output
        assert len(box.received) == 2  # the whole company and West went
        box.reject.clear()
        second = email([str(source), "--by-region"], env(box))
        assert second.exit_code == 0, second.output
        assert box.recipients()[2:] == [["east.boss@example.com"]]  # only the one that failed
        assert second.output.count("already sent") == 2
        third = email([str(source), "--by-region", "--resend"], env(box))
        assert third.exit_code == 0 and len(box.received) == 6
    log = [json.loads(line) for line in (tmp_path / SENT_LOG).read_text(encoding="utf-8").splitlines()]
    assert [entry["audience"] for entry in log[:3]] == [None, "West", "East"]


def test_starttls_with_login_sends_and_the_password_is_nowhere(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    context, cafile = tls_files(tmp_path)
    secrets = {
        "COMPLAINTS_SMTP_USER": USER,
        "COMPLAINTS_SMTP_PASSWORD": PASSWORD,
        "COMPLAINTS_SMTP_CAFILE": str(cafile),
    }
    with smtp_server(tls=context, login=True) as box:
        result = email([str(source), "--to", "boss@example.com"], env(box, "starttls", **secrets))
    assert result.exit_code == 0, result.output
    assert box.logins == [USER] and box.recipients() == [["boss@example.com"]]
    written = [p for p in tmp_path.iterdir() if p.is_file() and p.suffix != ".pem"]
    assert all(PASSWORD.encode() not in p.read_bytes() for p in written)
    assert PASSWORD not in result.output and PASSWORD.encode() not in box.received[0][2].as_bytes()


def test_wrong_password_is_one_line_and_exit_4(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    context, cafile = tls_files(tmp_path)
    wrong = {
        "COMPLAINTS_SMTP_USER": USER,
        "COMPLAINTS_SMTP_PASSWORD": "wrong-guess",
        "COMPLAINTS_SMTP_CAFILE": str(cafile),
    }
    with smtp_server(tls=context, login=True) as box:
        result = email([str(source), "--to", "boss@example.com"], env(box, "starttls", **wrong))
    assert result.exit_code == 4
    line = f"log.xlsx: not sent: 127.0.0.1:{box.port}: login failed for user {USER} (535"
    assert line in result.output and "Traceback" not in result.output and "wrong-guess" not in result.output
    assert not box.received and not (tmp_path / SENT_LOG).exists()


def test_an_untrusted_certificate_is_refused_with_a_hint(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    context, _ = tls_files(tmp_path)
    with smtp_server(tls=context) as box:
        result = email([str(source), "--to", "boss@example.com"], env(box, "starttls"))
    assert result.exit_code == 4
    assert "certificate is not trusted" in result.output and "COMPLAINTS_SMTP_CAFILE" in result.output
    assert not box.received


def test_a_server_without_starttls_is_not_used_in_clear(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    with smtp_server() as box:
        result = email([str(source), "--to", "boss@example.com"], env(box, "starttls"))
    assert result.exit_code == 4 and "does not offer STARTTLS" in result.output and not box.received


def test_refused_connection_is_one_line_and_exit_4(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    closed = Mailbox("127.0.0.1", free_port())
    result = email([str(source), "--to", "boss@example.com"], env(closed))
    assert result.exit_code == 4
    assert result.output == f"{source}: not sent: cannot connect to 127.0.0.1:{closed.port}: connection refused\n"


def test_dry_run_writes_drafts_that_parse_back_and_sends_nothing(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    out = tmp_path / "drafts"
    result = email([str(source), "--by-region", "--dry-run", "--out", str(out)], {"COMPLAINTS_MAIL_FROM": SENDER})
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["log.summary.East.eml", "log.summary.West.eml", "log.summary.eml"]
    draft = message_from_bytes((out / "log.summary.West.eml").read_bytes(), policy=policy.default)
    assert draft["X-Unsent"] == "1" and draft["To"] == "west@example.com, west2@example.com"
    assert draft["From"] == SENDER
    assert "Due soon" in draft.get_body(("plain",)).get_content()
    assert attachment(draft).sheetnames == ["Summary", "Flags"]
    assert not (out / SENT_LOG).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "not-an-address"], "not an e-mail address: not-an-address"),
        ([], "say who gets the summary"),
        (["--to", "a@example.com", "--config", "missing.toml"], "config file not found"),
        (["--to", "a@example.com", "--subject", "Report {when}"], "use only {name}, {region} and {date}"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    result = email([str(source), *args], {})
    assert result.exit_code == 2 and message in result.output


def test_a_password_in_the_config_file_is_refused(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    config = tmp_path / "mail.toml"
    config.write_text('[mail]\nhost = "127.0.0.1"\npassword = "hunter2"\n', encoding="utf-8")
    result = email([str(source), "--to", "a@example.com", "--config", str(config)], {})
    assert result.exit_code == 2 and "never read from a workbook or a file" in result.output
    assert "hunter2" not in result.output


def test_config_file_gives_the_server_and_the_environment_wins(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    with smtp_server() as box:
        config = tmp_path / "mail.toml"
        config.write_text(
            f'[mail]\nhost = "127.0.0.1"\nport = {free_port()}\nsecurity = "none"\nfrom = "cfg@example.com"\n'
            'subject = "Daily {name} {date}"\n',
            encoding="utf-8",
        )
        result = email(
            [str(source), "--to", "a@example.com", "--config", str(config)], {"COMPLAINTS_SMTP_PORT": str(box.port)}
        )
    assert result.exit_code == 0, result.output
    assert box.received[0][0] == "cfg@example.com" and box.received[0][2]["Subject"] == "Daily log.xlsx 2026-11-22"


def test_missing_server_settings_say_what_to_set(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    result = email([str(source), "--to", "a@example.com"], {})
    assert result.exit_code == 4 and "no SMTP server: set COMPLAINTS_SMTP_HOST" in result.output


def test_bad_recipient_cells_are_reported(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx", recipients=[["East", "east@; ok@example.com"], ["West", ""]])
    result = email([str(source), "--by-region", "--dry-run", "--out", str(tmp_path)], {})
    assert result.exit_code == 0, result.output
    assert "Recipients!B2: 'east@' is not an e-mail address" in result.output
    assert "Recipients!B3: region 'West' has no address" in result.output
    assert "no recipient for region West, North" in result.output
    assert (tmp_path / "log.summary.East.eml").exists()


def test_a_workbook_without_a_survey_still_gets_its_summary(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    book = openpyxl.load_workbook(source)
    del book["Survey"]
    book.save(source)
    with smtp_server() as box:
        result = email([str(source), "--to", "boss@example.com"], env(box))
    assert result.exit_code == 0, result.output
    message = box.received[0][2]
    assert "No satisfaction survey found: no scores." in message.get_body(("plain",)).get_content()
    assert attachment(message).sheetnames == ["Summary", "Flags"]


def test_a_file_without_a_log_is_one_line_and_exit_3(tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["just", "numbers"])
    book.save(other)
    result = email([str(other), "--to", "boss@example.com", "--dry-run"], {})
    assert result.exit_code == 3 and "no complaint log" in result.output.lower()


def test_chinese_workbook_gets_a_chinese_message(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    result = email([str(source), "--to", "a@example.com", "--dry-run", "--lang", "zh", "--out", str(tmp_path)], {})
    assert result.exit_code == 0, result.output
    draft = message_from_bytes((tmp_path / "log.summary.eml").read_bytes(), policy=policy.default)
    assert draft["Subject"] == "投诉汇总 — log.xlsx — 2026-11-22"
    plain = draft.get_body(("plain",)).get_content()
    assert "截至 2026-11-22 12:00的投诉汇总" in plain and "受理投诉" in plain
    assert attachment(draft).sheetnames == ["汇总", "满意度得分", "预警清单"]


def test_a_rerun_does_not_even_build_what_already_went(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from addin.mail import plan as dispatch

    source = managers_workbook(tmp_path / "log.xlsx")
    with smtp_server() as box:
        assert email([str(source), "--by-region"], env(box)).exit_code == 0
        built: list[object] = []
        real = dispatch._message
        monkeypatch.setattr(dispatch, "_message", lambda *a: built.append(a) or real(*a))
        again = email([str(source), "--by-region"], env(box))
    assert again.exit_code == 0 and again.output.count("already sent") == 3
    assert built == [] and len(box.received) == 3


@pytest.mark.parametrize(
    "line", ['cc = "boss@; x@example.com"', 'from = "desk"', 'security = "tls"', "port = 0", 'subject = "On {when}"']
)
def test_bad_mail_settings_in_the_config_file_are_usage_errors(tmp_path: Path, line: str) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    config = tmp_path / "mail.toml"
    config.write_text(f"[mail]\n{line}\n", encoding="utf-8")
    result = email([str(source), "--to", "a@example.com", "--dry-run", "--config", str(config)], {})
    assert result.exit_code == 2 and f"setting 'mail.{line.split()[0]}'" in result.output


def test_the_password_can_come_from_the_system_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    stored = {("complaint-desk", USER): PASSWORD}
    fake = types.SimpleNamespace(get_password=lambda service, user: stored.get((service, user)))
    monkeypatch.setitem(__import__("sys").modules, "keyring", fake)  # keyring's own API: get_password(service, user)
    source = managers_workbook(tmp_path / "log.xlsx")
    context, cafile = tls_files(tmp_path)
    settings = {"COMPLAINTS_SMTP_USER": USER, "COMPLAINTS_SMTP_CAFILE": str(cafile)}
    with smtp_server(tls=context, login=True) as box:
        result = email([str(source), "--to", "boss@example.com"], env(box, "starttls", **settings))
    assert result.exit_code == 0, result.output
    assert box.logins == [USER]


def test_a_password_on_the_settings_sheet_is_refused_and_never_copied(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    book = openpyxl.load_workbook(source)
    book.create_sheet("Settings").append(["mail.password", "hunter2"])
    book.save(source)
    result = CliRunner().invoke(cli, ["run", str(source), "--as-of", AS_OF.isoformat()])
    report = openpyxl.load_workbook(tmp_path / "log.report.xlsx")
    cells = [str(v) for ws in report.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert any("never read from a workbook" in v for v in cells)
    assert not any("hunter2" in v for v in cells) and "hunter2" not in result.output


def test_a_log_with_customer_addresses_is_never_taken_for_the_recipients(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    book = openpyxl.load_workbook(source)
    del book["Recipients"]
    book["Complaints"].cell(1, 20, "E-mail")  # the customers' addresses, next to Region
    book["Complaints"].cell(2, 20, "customer@example.com")
    book.save(source)
    result = email([str(source), "--by-region", "--dry-run", "--out", str(tmp_path / "out")], {})
    assert result.exit_code == 0, result.output
    assert "nothing to send" in result.output and not (tmp_path / "out").exists()


def test_an_unwritable_sent_log_stops_before_anything_is_sent(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    (tmp_path / "out" / SENT_LOG).mkdir(parents=True)  # a folder where the log file should be
    with smtp_server() as box:
        result = email([str(source), "--to", "boss@example.com", "--out", str(tmp_path / "out")], env(box))
    assert result.exit_code == 4 and "cannot write the sent log" in result.output and "Traceback" not in result.output
    assert not box.received
