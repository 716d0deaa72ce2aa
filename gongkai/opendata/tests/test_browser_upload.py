"""A district official's path in a real headless Chromium (Debian's package, via Playwright):
log in, open 数据上传, add a table resource, upload a CSV, watch the ingestion page, open the
public dataset page with its preview, and call the API shown there — which returns the rows."""

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import PASSWORD, OrganizationFactory, staff
from gongkai.opendata import services

# Playwright's sync API runs an event loop in this thread; the test itself stays synchronous
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TABLE = (
    "日期,区县,类别,事项,金额,数量\n"
    "2024-03-01,东城区,城市管理,维修人民路排水管网工程款,125000.50,3\n"
    "2024-03-02,西湖区,园林绿化,湖滨路绿化养护经费,8800.00,12\n"
    "2024-03-05,东城区,教育,校舍改造项目资金,560000.00,1\n"
)


@pytest.fixture
def district(transactional_db: Any, settings: Any) -> dict[str, Any]:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    org = OrganizationFactory(code="dcq", name="测试市东城区人民政府", org_code="201")
    ds = services.create_dataset(by=SYSTEM, org=org, data={
        "name": "dc-payments", "title": "东城区财政资金支付明细", "domain": "财税金融",
        "description": "东城区财政资金支付明细，按月更新。", "frequency": "monthly", "spatial": "东城区",
    })  # fmt: skip
    services.publish_dataset(ds, by=SYSTEM)
    official = staff(org, "editor", username="dc-clerk")
    return {"org": org, "ds": ds, "user": official}


def test_an_official_uploads_a_csv_and_the_public_page_and_api_serve_it(
    browser: Any, live_server: Any, district: dict[str, Any], tmp_path: Path
) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/data/staff/")
    page.fill("input[name=username]", "dc-clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url("**/data/staff/")
    page.get_by_role("link", name="东城区财政资金支付明细").click()
    page.get_by_label("资源名称").fill("支付明细表")
    page.get_by_role("button", name="新增资源").click()
    assert page.get_by_role("heading", name="支付明细表").is_visible()
    csv_file = tmp_path / "三月支付明细.csv"
    csv_file.write_text(TABLE, encoding="gbk")  # a district office's Excel saves GBK
    page.get_by_label("上传新版本").set_input_files(str(csv_file))
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/data/staff/versions/**")
    # the progress page refreshes itself until the ingestion is done
    page.wait_for_function(
        "document.getElementById('version-status').textContent.trim() === '已生效'", timeout=30000
    )
    assert page.locator("#progress").get_attribute("value") == "100"
    assert "已导入 3 行" in page.locator("#version-message").inner_text()
    page.click("#public-link")
    page.wait_for_url("**/data/dc-payments/")
    preview = page.locator("table").filter(has_text="湖滨路绿化养护经费")
    assert preview.count() == 1 and preview.first.is_visible()
    assert page.locator("svg[role=img]").count() == 1  # the chart, drawn without script
    calls = [c.strip() for c in page.locator("pre.od-api").all_inner_texts()]
    urls = [re.search(r"curl '([^']+)'", c).group(1) for c in calls]
    ckan = json.loads(page.request.get(urls[0]).text())
    assert ckan["success"] and ckan["result"]["total"] == 3
    assert {r["事项"] for r in ckan["result"]["records"]} >= {"湖滨路绿化养护经费"}
    native = json.loads(page.request.get(urls[1]).text())
    assert native["total"] == 3 and native["records"][0]["金额"] == 125000.5
    page.context.close()
