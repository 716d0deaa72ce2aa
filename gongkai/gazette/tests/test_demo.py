"""The issue-24 demo content (gongkai/demo/gazette_demo.py) on a minimal city: monthly issues with
continuous 总期号, ≥3 sections and ≥5 entries each, two 规章 with 令号, PDFs that open, trial and
expiring normative documents, a published and a draft cleanup, the 标准目录 of 东城区 and a street."""

import datetime as dt
from typing import Any

import pytest

from gongkai.accounts.permissions import SYSTEM
from gongkai.catalog.models import Entry, NotApplicable
from gongkai.demo import gazette_demo
from gongkai.documents.models import CleanupExercise, Document
from gongkai.gazette import selectors
from gongkai.gazette.models import Issue
from gongkai.organizations.services import create_organization

pytestmark = pytest.mark.django_db


def test_demo_content(settings: Any) -> None:
    def org(code: str, level: str, name: str, parent: Any = None) -> Any:
        return create_organization(by=SYSTEM, parent=parent, level=level, code=code, name=name,
                                   region_code="990100", org_code="001")  # fmt: skip

    city = org("city", "city", "示范市人民政府")
    dcq = org("dcq", "district", "示范市东城区人民政府", city)
    orgs = {
        "city": city,
        "dcq": dcq,
        "dcq-jd1": org("dcq-jd1", "township", "东城区人民街道办事处", dcq),
    }
    today = dt.date(2026, 4, 15)
    gazette_demo.build(orgs, out=lambda *_: None, today=today)
    issues = list(Issue.objects.order_by("year", "issue_no"))
    assert [(i.year, i.issue_no) for i in issues][:2] == [(2025, 1), (2025, 2)] and len(
        issues
    ) == 15
    assert [i.total_no for i in issues] == list(range(201, 216))
    for i in issues:
        toc = selectors.public_toc(i)
        assert len(toc) >= 3 and sum(len(s.entries) for s in toc) >= 5, i
        assert i.pdf.open("rb").read(5) == b"%PDF-"
    rules = Document.objects.filter(category__code="rule", doc_number__contains="令第")
    assert rules.count() == 2 and all(selectors.appearances(r) for r in rules)
    normative = Document.objects.filter(category__code="normative", status="published")
    assert normative.filter(is_trial=True).count() >= 2
    assert (
        normative.filter(validity="valid", expires_on__lte=today + dt.timedelta(days=183)).count()
        >= 3
    )
    assert normative.exclude(reg_no=None).count() >= 10
    published = CleanupExercise.objects.get(status="published")
    results = list(published.items.values_list("result", flat=True))
    assert results.count("continue") >= 5 and results.count("amend") >= 1
    assert results.count("expire") + results.count("repeal") >= 2
    assert CleanupExercise.objects.filter(status="draft").count() == 1
    assert Entry.objects.filter(org=dcq).count() >= 130
    assert Entry.objects.filter(org=orgs["dcq-jd1"]).count() >= 30
    assert NotApplicable.objects.filter(org=orgs["dcq-jd1"]).count() == 1
    assert Entry.objects.exclude(categories=None).count() >= 40
