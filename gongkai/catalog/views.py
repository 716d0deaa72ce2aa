"""Public pages of the 基层政务公开标准目录 (spec §3, §4): the governments with a catalogue, one
government's 26 domains with counts and 未涉及 explanations, and one domain's printable table in
the template's column order with ■ ticks. Thin: reads through the selectors."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .models import Domain

CHANNELS = ["政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体", "公开查阅点",
            "政务服务中心", "便民服务站", "入户/现场", "社区/企事业单位/村公示栏（电子屏）", "精准推送",
            "12345热线", "其他"]  # fmt: skip
AUDIENCES = ["全社会", "特定群体"]
MODES = ["主动", "依申请"]


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/index.html", {"orgs": selectors.catalog_orgs()})


def org_catalog(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.catalog_org(code)
    if org is None:
        raise Http404("未找到该机构")
    rows = selectors.org_domains(org)
    if not any(r.count or r.not_applicable for r in rows):
        raise Http404("该机构尚未公布标准目录")
    return render(request, "catalog/org.html", {"org": org, "rows": rows})


def domain_table(request: HttpRequest, code: str, domain: str) -> HttpResponse:
    org = selectors.catalog_org(code)
    d = Domain.objects.filter(code=domain).first()
    if org is None or d is None:
        raise Http404("未找到")
    today = timezone.localdate()
    entries = list(selectors.public_entries(org, d))
    levels = sorted({lv for e in entries for lv in e.levels}) or ["县级", "乡级"]
    channels = CHANNELS + sorted({c for e in entries for c in e.channels} - set(CHANNELS))
    rows = [
        {"e": e, "status": selectors.status(e, today), "columns": selectors.columns(e),
         "channels": [c in e.channels for c in channels], "audience": [a in e.audience for a in AUDIENCES],
         "mode": [m in e.mode for m in MODES], "levels": [lv in e.levels for lv in levels]}
        for e in entries
    ]  # fmt: skip
    na = next((r.not_applicable for r in selectors.org_domains(org) if r.domain.pk == d.pk), "")
    return render(request, "catalog/domain.html", {
        "org": org, "domain": d, "rows": rows, "channels": channels, "audiences": AUDIENCES,
        "modes": MODES, "levels": levels, "not_applicable": na,
    })  # fmt: skip
