"""The demo content (issue 22 "Demo content") holds what the issue lists, seen through the public
API (so the counts are computed, not typed), and never shows a proposer's contact data."""

from typing import Any

import pytest
from django.test import Client

from gongkai.conftest import OrganizationFactory
from gongkai.demo import execution_demo
from gongkai.execution.models import Inspection, Proposer

pytestmark = pytest.mark.django_db


def test_demo_content(db: Any) -> None:
    orgs = {code: OrganizationFactory(code=code, name=f"示范市{name}", org_code=f"{300 + i}")
            for i, (code, name) in enumerate([("city", "人民政府"), ("bgs", "人民政府办公室"),
                                              ("fgw", "发展和改革委员会"), ("jyj", "教育局"),
                                              ("czj", "财政局"), ("zjj", "住房和城乡建设局")])}  # fmt: skip
    execution_demo.build(orgs, out=lambda s: None)
    c = Client()
    tasks = c.get("/api/v1/tasks?size=100").json()["items"]
    assert len(tasks) == 16 and len({t["category"] for t in tasks}) == 4
    assert all(t["lead_org"] for t in tasks) and sum(bool(t["co_orgs"]) for t in tasks) >= 12
    assert sum(t["overdue"] for t in tasks) == 3 and sum(t["late"] for t in tasks) == 1
    assert sum(t["status_code"] == "done" for t in tasks) == 5
    assert all(t["reports"] for t in tasks if t["status_code"] != "not_started")
    (insp,) = c.get("/api/v1/inspections").json()["items"]
    assert len(insp["findings"]) == 4 and len(insp["accountability"]) == 1
    assert sum(bool(f["rectified_on"]) for f in insp["findings"]) == 2
    assert sum(f["overdue"] for f in insp["findings"]) == 1
    assert Inspection.objects.filter(concluded_on=None).count() == 1
    props = c.get("/api/v1/proposals?size=100").json()["items"]
    assert len(props) == 12 and sum(p["kind_code"] == "suggestion" for p in props) == 6
    replied = [p for p in props if p["replied_on"]]
    assert len(replied) == 8 and {p["grade"] for p in replied} == {"A", "B", "C", "D"}
    assert [p["disclosure_code"] for p in replied].count("full") == 6
    assert sum(p["reply"] is not None for p in props) == 7  # 6 full + 1 summary published
    assert sum(bool(p["extended_to"]) for p in props) == 1 and sum(p["overdue"] for p in props) == 1
    assert sum(p["published_late"] for p in props) == 1
    assert all(x.mobile and x.address for x in Proposer.objects.all())
    events = c.get("/api/v1/opinion-responses").json()["items"]
    assert len(events) == 5 and sum(e["level_code"] == "major" for e in events) == 2
    assert sum(1 for e in events for k in e["clocks"] if k["met"] is False) >= 2
    press = c.get("/api/v1/press-conferences?size=100").json()["items"]
    assert len(press) == 6 and len({p["org"] for p in press}) >= 2
    quarters = c.get("/api/v1/press-conferences/quarterly?year=2026").json()["items"]
    assert len({q["quarter"] for q in quarters if q["count"]}) >= 2
    interviews = c.get("/api/v1/interviews").json()["items"]
    assert len(interviews) == 2
    assert max(sum(not q["answered_live"] and bool(q["answer"]) for q in i["questions"])
               for i in interviews) == 3  # fmt: skip
    everything = str(props) + c.get("/proposals/").content.decode()
    assert not any(
        x.mobile in everything or x.address in everything for x in Proposer.objects.all()
    )
