"""The plain data that crosses the search interface (no Django models, no backend types).

`gongkai.documents` builds a `SearchEntry` for each piece of *public* information and hands it
to `gongkai.search.services.index`; results come back as `Results` of `Hit`s. Keys are strings
owned by the caller ("doc:42"); the search app never imports the apps that feed it.

`tags` are labels the caller attaches to filter on (`Filters.tag`), e.g. `GAZETTE_TAG`: the
document is printed in a published issue of a 政府公报 (gazette-catalog spec §1, §4;
`GET /api/v1/search?gazette=1`). The caller recomputes them whenever they change (a published
issue reindexes its documents), like every other field of the entry.
"""

import datetime as dt
from dataclasses import dataclass, field

GAZETTE_TAG = "gazette"  # printed in a published gazette issue (tagged by gongkai.gazette)


@dataclass(frozen=True)
class SearchEntry:
    """One searchable item, carrying everything needed to show it as a hit.

    `body` must already be the PUBLIC plain text (for 删减后公开 the redacted version only):
    whatever is passed here may be shown in snippets.
    """

    key: str
    title: str
    url: str
    body: str = ""
    org_code: str = ""
    org_name: str = ""
    category_code: str = ""
    category_name: str = ""
    topic_codes: tuple[str, ...] = ()  # the topic and its ancestors, for filtering
    topic_name: str = ""
    validity: str = ""
    validity_label: str = ""
    published_on: dt.date | None = None
    index_no: str = ""
    doc_number: str = ""
    tags: tuple[str, ...] = ()  # labels to filter on, e.g. GAZETTE_TAG


@dataclass(frozen=True)
class Filters:
    org: str | None = None  # organisation code
    year: int | None = None
    category: str | None = None  # 信息类别 code
    topic: str | None = None  # 主题分类 code, includes its sub-topics
    validity: str | None = None  # valid / expired / repealed / amended
    tag: str | None = None  # one of SearchEntry.tags, e.g. GAZETTE_TAG

    def active(self) -> bool:
        return any(
            v not in (None, "")
            for v in (self.org, self.year, self.category, self.topic, self.validity, self.tag)
        )


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Hit:
    key: str
    title: str  # plain text
    title_html: str  # escaped, with <mark> around matched words
    snippet_html: str  # escaped, with <mark> around matched words
    url: str
    score: float
    org_code: str
    org_name: str
    category_name: str
    published_on: dt.date | None
    index_no: str
    doc_number: str
    validity_label: str
    exact: bool = False  # the 文号 or 索引号 asked for


@dataclass
class Results:
    query: str
    hits: list[Hit] = field(default_factory=list)
    count: int = 0
    page: int = 1
    page_size: int = 20
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    facets_estimated: bool = False  # counted on a sample of a very large result, then scaled
    message: str = ""  # a notice for the reader, e.g. that the query was shortened

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.count
