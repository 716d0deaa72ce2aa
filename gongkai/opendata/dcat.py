"""The public catalogue as DCAT-AP 3.0, in JSON-LD (expanded form) and Turtle.

Chinese fields map as: 数据提供方 → dct:publisher (foaf:Agent), 数据领域 → dcat:theme
(skos:Concept), 更新频率 → dct:accrualPeriodicity (EU frequency authority), 开放属性 →
dct:accessRights (EU access-right authority: 无条件开放 PUBLIC, 有条件开放 RESTRICTED), licence
→ dct:license. Every object node is typed explicitly, as the range shapes need without
background ontologies (a provider is foaf:Agent, a landing page foaf:Document, …). A dataset is
`<its page>#dataset`, its landing page the page itself; the catalogue is `/data/#catalog`.
Validated with pyshacl against the official DCAT-AP 3.0 shapes (tests/test_dcat_shacl.py).
The JSON-LD names no @context, so reading it needs nothing from the network.
Only `selectors.public_datasets` feeds it: 不予开放, drafts and withdrawn datasets are absent.
"""

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest
from django.urls import reverse

from . import selectors
from .models import Dataset

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
EU = "http://publications.europa.eu/resource/authority/"
PREFIXES = {"dcat": DCAT, "dct": DCT, "foaf": FOAF, "skos": SKOS, "vcard": VCARD, "xsd": XSD}

FREQUENCY = {
    "realtime": "CONT", "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY",
    "quarterly": "QUARTERLY", "yearly": "ANNUAL", "irregular": "IRREG",
}  # fmt: skip
ACCESS = {"unconditional": "PUBLIC", "conditional": "RESTRICTED"}
LICENSES = {
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc-zero": "https://creativecommons.org/publicdomain/zero/1.0/",
    "odc-by": "https://opendatacommons.org/licenses/by/1-0/",
}

Obj = tuple[str, str | None, str | None]  # (value, datatype, language); datatype "@id" = IRI


_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def iri(value: str) -> Obj:
    # characters an IRI may not hold are percent-encoded (a link's URL is user input)
    return (_IRI_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", value), "@id", None)


def text(value: str) -> Obj:
    return (value, None, "zh")


def typed(value: str, datatype: str) -> Obj:
    return (value, XSD + datatype, None)


class Graph:
    def __init__(self) -> None:
        self.triples: list[tuple[str, str, Obj]] = []

    def add(self, s: str, p: str, o: Obj) -> None:
        self.triples.append((iri(s)[0], p, o))

    def node(self, s: str, rdf_type: str, props: Iterable[tuple[str, Obj | None]]) -> str:
        self.add(s, RDF_TYPE, iri(rdf_type))
        for p, o in props:
            if o is not None and o[0] not in ("", None):
                self.add(s, p, o)
        return s


def build(request: HttpRequest) -> Graph:
    g = Graph()
    base = request.build_absolute_uri("/").rstrip("/")
    home = base + reverse("opendata:catalogue")
    site = base + "/"
    publisher = g.node(site + "#publisher", FOAF + "Agent", [(FOAF + "name", text("政务公开平台"))])
    g.node(home, FOAF + "Document", [])
    catalogue = g.node(
        home + "#catalog", DCAT + "Catalog",
        [(DCT + "title", text("政府数据开放目录")),
         (DCT + "description", text("本平台开放的政府数据集目录")),
         (DCT + "publisher", iri(publisher)),
         (FOAF + "homepage", iri(home))],
    )  # fmt: skip
    for ds in selectors.public_datasets():
        g.add(catalogue, DCAT + "dataset", iri(_dataset(g, ds, base)))
    return g


def _dataset(g: Graph, ds: Dataset, base: str) -> str:
    page = base + reverse("opendata:dataset", args=[ds.name])
    agent = g.node(
        base + reverse("org_index", args=[ds.org.code]) + "#agent",
        FOAF + "Agent",
        [(FOAF + "name", text(ds.org.name))],
    )
    props: list[tuple[str, Obj | None]] = [
        (DCT + "title", text(ds.title)),
        (DCT + "description", text(ds.description or ds.title)),
        (DCT + "identifier", (str(ds.pk), None, None)),
        (DCT + "publisher", iri(agent)),
        (DCAT + "landingPage", iri(g.node(page, FOAF + "Document", []))),
        (DCT + "modified", typed(ds.updated_at.isoformat(), "dateTime")),
    ]
    if ds.published_at:
        props.append((DCT + "issued", typed(ds.published_at.isoformat(), "dateTime")))
    for tag in ds.tags:
        props.append((DCAT + "keyword", text(tag)))
    if ds.domain:
        theme = g.node(
            f"{base}/data/?domain={quote(ds.domain)}#theme", SKOS + "Concept",
            [(SKOS + "prefLabel", text(ds.domain))],
        )  # fmt: skip
        props.append((DCAT + "theme", iri(theme)))
    freq = EU + "frequency/" + FREQUENCY[ds.frequency]
    g.node(freq, DCT + "Frequency", [])
    props.append((DCT + "accrualPeriodicity", iri(freq)))
    rights = EU + "access-right/" + ACCESS.get(ds.open_level, "NON_PUBLIC")
    g.node(rights, DCT + "RightsStatement", [])
    props.append((DCT + "accessRights", iri(rights)))
    if ds.spatial:
        loc = g.node(page + "#spatial", DCT + "Location", [(SKOS + "prefLabel", text(ds.spatial))])
        props.append((DCT + "spatial", iri(loc)))
    if ds.temporal_start or ds.temporal_end:
        period = g.node(
            page + "#temporal", DCT + "PeriodOfTime",
            [(DCAT + "startDate", typed(ds.temporal_start.isoformat(), "date") if ds.temporal_start else None),
             (DCAT + "endDate", typed(ds.temporal_end.isoformat(), "date") if ds.temporal_end else None)],
        )  # fmt: skip
        props.append((DCT + "temporal", iri(period)))
    if ds.contact_name or ds.contact_email or ds.contact_phone:
        contact = g.node(
            page + "#contact", VCARD + "Kind",
            [(VCARD + "fn", text(ds.contact_name or ds.org.name)),
             (VCARD + "hasEmail", iri("mailto:" + ds.contact_email) if ds.contact_email else None),
             (VCARD + "hasTelephone", iri("tel:" + ds.contact_phone.replace(" ", "")) if ds.contact_phone else None)],
        )  # fmt: skip
        props.append((DCAT + "contactPoint", iri(contact)))
    license_url = LICENSES.get(ds.license_id, page + "#license")
    g.node(
        license_url, DCT + "LicenseDocument", [(DCT + "title", text(ds.get_license_id_display()))]
    )
    for res in ds.resources.all():
        access = (
            res.url
            if res.kind == res.Kind.LINK
            else base + reverse("opendata:download", args=[res.pk])
        )
        dist_props: list[tuple[str, Obj | None]] = [
            (DCT + "title", text(res.name)),
            (DCAT + "accessURL", iri(access)),
            (DCT + "license", iri(license_url)),
        ]
        if res.format:
            fmt = g.node(EU + "file-type/" + res.format.upper(), DCT + "MediaTypeOrExtent", [])
            dist_props.append((DCT + "format", iri(fmt)))
        if res.current:
            dist_props.append((DCAT + "byteSize", typed(str(res.current.size), "decimal")))
        dist = g.node(f"{page}#resource-{res.pk}", DCAT + "Distribution", dist_props)
        props.append((DCAT + "distribution", iri(dist)))
    return g.node(page + "#dataset", DCAT + "Dataset", props)


def to_jsonld(g: Graph) -> str:
    nodes: dict[str, dict[str, Any]] = {}
    for s, p, (value, datatype, lang) in g.triples:
        node = nodes.setdefault(s, {"@id": s})
        if p == RDF_TYPE:
            node.setdefault("@type", [])
            if value not in node["@type"]:
                node["@type"].append(value)
            continue
        if datatype == "@id":
            obj: dict[str, Any] = {"@id": value}
        elif datatype:
            obj = {"@value": value, "@type": datatype}
        elif lang:
            obj = {"@value": value, "@language": lang}
        else:
            obj = {"@value": value}
        values = node.setdefault(p, [])
        if obj not in values:
            values.append(obj)
    return json.dumps({"@graph": list(nodes.values())}, ensure_ascii=False, indent=1)


def _term(value: str) -> str:
    for prefix, ns in PREFIXES.items():
        rest = value[len(ns) :]
        if (
            value.startswith(ns)
            and rest
            and all(c.isascii() and (c.isalnum() or c == "_") for c in rest)
        ):
            return f"{prefix}:{rest}"
    return f"<{value}>"


def _literal(value: str) -> str:
    return (
        '"'
        + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        + '"'
    )


def to_turtle(g: Graph) -> str:
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    lines.append("")
    seen: set[tuple[str, str, Obj]] = set()
    for s, p, o in g.triples:
        if (s, p, o) in seen:
            continue
        seen.add((s, p, o))
        value, datatype, lang = o
        if datatype == "@id":
            obj = _term(value)
        elif datatype:
            obj = f"{_literal(value)}^^{_term(datatype)}"
        elif lang:
            obj = f"{_literal(value)}@{lang}"
        else:
            obj = _literal(value)
        pred = "a" if p == RDF_TYPE else _term(p)
        lines.append(f"{_term(s)} {pred} {obj} .")
    return "\n".join(lines) + "\n"
