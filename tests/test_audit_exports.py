"""The audit trail of what leaves the desk and of bulk actions: the queue's CSV and XLSX and
the reports' downloads (who, which filter, how many rows), and claim/release of many
tickets at once (which action, how many, their ids when few)."""
import json

from helpdesk import audit
from helpdesk.models import AuditEntry

from conftest import csrf_from
from test_desk_queue import tickets  # noqa: F401 (a fixture)


def exports():
    return [json.loads(e.details) | {"by": e.actor_id, "kind": e.target_kind}
            for e in AuditEntry.select().where(AuditEntry.action == "export")
            .order_by(AuditEntry.id)]


def test_queue_exports_record_who_the_filter_and_the_rows(client_of, supervisor, tickets):
    desk = client_of(supervisor)
    desk.get("/admin/ticket/export/csv/?flt0_status=open&search=login").get_data()
    desk.get("/admin/ticket/export/xlsx/?flt0_status=open").get_data()
    csv_export, xlsx_export = exports()
    assert csv_export == {"by": supervisor.id, "kind": "ticket", "export": "queue",
                          "format": "csv", "rows": 1,
                          "query": [["flt0_status", "open"], ["search", "login"]]}
    assert (xlsx_export["format"], xlsx_export["rows"]) == ("xlsx", 4)


def test_a_refused_export_records_nothing(client_of, agent, tickets):
    client_of(agent).get("/admin/ticket/export/csv/?flt0_status=open")
    assert exports() == []


def test_report_downloads_record_the_period_filter_and_rows(client_of, supervisor, tickets):
    desk = client_of(supervisor)
    assert desk.get("/admin/reports/table/topics.csv?period=this_month").status_code == 200
    assert desk.get("/admin/reports/workbook.xlsx?period=this_month").status_code == 200
    table, workbook = exports()
    assert (table["export"], table["format"], table["kind"]) == ("report:topics", "csv", "report")
    assert table["query"] == [["period", "this_month"]] and table["rows"] >= 1
    assert (workbook["export"], workbook["format"]) == ("report:workbook", "xlsx")
    assert workbook["rows"] >= table["rows"] and workbook["by"] == supervisor.id


def test_bulk_actions_record_the_action_the_count_and_the_ids(client_of, agent, tickets):
    desk = client_of(agent)
    mine = [tickets["login"].id, tickets["sync"].id]
    queue = desk.get("/admin/ticket/?flt0_status=open")
    desk.post("/admin/ticket/action/", data={
        "csrf_token": csrf_from(queue.text), "action": "claim",
        "rowid": [str(i) for i in mine], "url": "/admin/ticket/?flt0_status=open"})
    [entry] = AuditEntry.select().where(AuditEntry.action == "bulk_action")
    assert entry.actor_id == agent.id and entry.target_kind == "ticket"
    assert json.loads(entry.details) == {"action": "claim", "selected": 2, "done": 2,
                                         "tickets": sorted(mine)}


def test_many_tickets_are_counted_not_listed():
    assert audit.ids_if_few(range(audit.FEW)) == list(range(audit.FEW))
    assert audit.ids_if_few(range(audit.FEW + 1)) is None
