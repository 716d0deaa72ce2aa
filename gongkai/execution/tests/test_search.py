"""Search entries of execution disclosure (issue 22: public tasks, concluded 督查, press
conferences, interviews with moderated questions only, opinion events with a response): they are
indexed by the services as a record becomes public, hold only what its page shows, and
`gongkai search_reindex` rebuilds exactly them. Nothing non-public can be found through
/search/?q= or /api/v1/search?q=: unconcluded 督查 and working notes, unmoderated or hidden
questions, askers' identity, proposers' contact data, events without a response, internal notes."""

import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.execution import services
from gongkai.search import services as search
from gongkai.search.models import Entry

from .conftest import D, at, event
from .test_noleak import SECRETS, _world

pytestmark = pytest.mark.django_db


def _entries() -> dict[str, tuple[str, str]]:
    rows = Entry.objects.filter(key__startswith="execution:").values_list("key", "title", "body")
    return {k: (t, b) for k, t, b in rows}


def _plain(text: str) -> str:
    """Without the <mark> highlighting, which would split a leaked word."""
    return re.sub(r"&lt;/?mark&gt;|</?mark>", "", text)


def _api(client: Client, q: str) -> dict[str, Any]:
    r = client.get("/api/v1/search", {"q": q})
    assert r.status_code == 200
    return r.json()


def test_the_public_records_are_entries_and_nothing_else(lead: Any, co: Any) -> None:
    w = _world(lead, co)
    search.flush()
    entries = _entries()
    assert set(entries) == {
        services.task_search_key(w["task"].pk),
        services.inspection_search_key(w["insp"].pk),
        services.response_search_key(w["answered"].pk),
        services.press_search_key(w["pc"].pk),
        services.interview_search_key(w["iv"].pk),
    }
    text = json.dumps(entries, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text, secret
    assert "公开的进展" in entries[services.task_search_key(w["task"].pk)][1]
    assert "公开的问题" in entries[services.inspection_search_key(w["insp"].pk)][1]
    assert "公开的回应" in entries[services.response_search_key(w["answered"].pk)][1]
    assert "公开的网民提问" in entries[services.interview_search_key(w["iv"].pk)][1]


def test_search_finds_public_records_and_never_the_rest(lead: Any, co: Any) -> None:
    w = _world(lead, co)
    search.flush()
    client = Client()
    wanted = {
        "公开的进展": f"/execution/tasks/{w['task'].pk}/",
        "公开的问题": f"/execution/inspections/{w['insp'].pk}/",
        "公开的回应": f"/response/{w['answered'].pk}/",
        "公开的发布会": f"/press/{w['pc'].pk}/",
        "公开的网民提问": f"/interviews/{w['iv'].pk}/",
    }
    for word, url in wanted.items():
        assert "http://testserver" + url in [i["url"] for i in _api(client, word)["items"]], word
        assert url in client.get("/search/", {"q": word}).content.decode(), word
    hidden = [f"/execution/inspections/{w['draft_insp'].pk}/", f"/response/{w['silent'].pk}/",
              f"/press/{w['draft_pc'].pk}/", f"/interviews/{w['draft_iv'].pk}/",
              f"/execution/tasks/{w['hidden_task'].pk}/"]  # fmt: skip
    for secret in SECRETS:
        # the secret itself and shorter queries that match public records (many share words)
        for q in (secret, secret[:4], secret[:2]):
            api = _plain(json.dumps(_api(client, q)["items"], ensure_ascii=False))
            page = _plain(client.get("/search/", {"q": q}).content.decode())
            assert secret not in api, (q, secret)
            if q != secret:  # the page echoes what the visitor typed
                assert secret not in page, (q, secret)
            for text in (api, page):
                for url in hidden:
                    assert f'{url}"' not in text, (q, url)


def test_moderation_and_answers_update_the_interview_entry(lead: Any, co: Any) -> None:
    w = _world(lead, co)
    key = services.interview_search_key(w["iv"].pk)
    q = services.ask(w["iv"], question="稍后屏蔽的提问", asker="提问人钱小明")
    assert "稍后屏蔽的提问" not in _entries()[key][1]  # unmoderated: not searchable
    services.moderate(q, by=SYSTEM, approve=True)
    services.answer(q, by=SYSTEM, text="会后答复的内容", on=D(2026, 6, 8))
    assert "稍后屏蔽的提问" in _entries()[key][1] and "会后答复的内容" in _entries()[key][1]
    services.moderate(q, by=SYSTEM, approve=False)
    body = _entries()[key][1]
    assert "稍后屏蔽的提问" not in body and "会后答复的内容" not in body
    assert "提问人钱小明" not in body


def test_records_enter_search_when_they_become_public(lead: Any, co: Any) -> None:
    w = _world(lead, co)
    assert services.inspection_search_key(w["draft_insp"].pk) not in _entries()
    services.conclude(w["draft_insp"], by=SYSTEM, on=D(2026, 6, 10))
    title, body = _entries()[services.inspection_search_key(w["draft_insp"].pk)]
    assert title == "未结论的督查标题" and "未结论底稿" not in body  # working notes never
    assert services.response_search_key(w["silent"].pk) not in _entries()
    services.respond(w["silent"], by=SYSTEM, form="release", at=at(2026, 6, 2, 9), text="补充回应")
    title, body = _entries()[services.response_search_key(w["silent"].pk)]
    assert body == "补充回应" and "舆情研判内部记录丁" not in body
    later = event(lead, title="另一舆情", notes="内部")
    assert services.response_search_key(later.pk) not in _entries()
    rep = services.add_report(w["task"], by=SYSTEM, on=D(2026, 6, 12), text="新的进展")
    assert "新的进展" in _entries()[services.task_search_key(w["task"].pk)][1]
    services.add_report(w["hidden_task"], by=SYSTEM, on=D(2026, 6, 12), text="草稿计划的进展")
    assert services.task_search_key(w["hidden_task"].pk) not in _entries()
    services.publish_plan(w["hidden_task"].plan, by=SYSTEM)  # the plan published: its tasks too
    assert "草稿计划的进展" in _entries()[services.task_search_key(w["hidden_task"].pk)][1]
    assert rep.pk


def test_a_rebuild_restores_exactly_the_public_entries(lead: Any, co: Any) -> None:
    _world(lead, co)
    search.flush()
    before = _entries()
    assert len(before) == 5
    call_command("search_reindex", "--check", stdout=StringIO())  # no drift: no SystemExit
    Entry.objects.filter(key__startswith="execution:").delete()
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("search_reindex", "--check", stdout=out)
    assert "execution:" in out.getvalue()
    call_command("search_reindex", "--restart", stdout=StringIO())
    assert _entries() == before
    call_command("search_reindex", "--check", stdout=StringIO())
    client = Client()
    assert _api(client, "公开的网民提问")["count"] >= 1
    for secret in SECRETS:
        assert secret not in _plain(json.dumps(_api(client, secret)["items"], ensure_ascii=False))
