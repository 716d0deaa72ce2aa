"""Demo open data for the demo city: a catalogue of 35 datasets from 14 providers across
domains, open levels and update frequencies, ingested synchronously through the services
(deterministic: a fixed seed per table).

- Most datasets carry a generated table; one, 财政资金支付明细, has `BIG_ROWS` rows (one million
  by default; `GONGKAI_DEMO_OPENDATA_BIG_ROWS` lowers it for tests), written to a temporary
  CSV by DuckDB and streamed in like a real upload.
- Four are 有条件开放 (two with a pending application, one approved), one is 不予开放 and
  stays a draft that is never public, a few are overdue on their stated frequency (their
  最近更新 is set back, as if the last upload was months ago), one resource is a link.
- Every dataset has its 数据资源清单 entry in the 开放计划, with a few planned ones not open yet.
- Idempotent: a dataset whose name exists is left alone.
"""

import csv
import datetime as dt
import io
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.utils import timezone

from gongkai.accounts.permissions import SYSTEM
from gongkai.organizations.models import Organization

from . import services
from .models import Dataset, InventoryItem

Rows = Callable[[random.Random, int], tuple[list[str], Iterator[list[Any]]]]
DISTRICTS = ["东城区", "西湖区", "南湖区", "北山区", "高新区", "滨江区", "临港区", "青山县"]
BIG_ROWS = 1_000_000


def big_rows() -> int:
    return int(getattr(settings, "GONGKAI_DEMO_OPENDATA_BIG_ROWS", BIG_ROWS))


# --- the tables ---------------------------------------------------------------------------------------
ROADS = ["人民路", "湖滨路", "青山街", "和平路", "政府路", "解放路", "建设路", "文化路", "中山路", "学院路"]  # fmt: skip
CATEGORIES = ["城市管理", "环境保护", "教育", "医疗卫生", "社会保障", "住房保障", "交通运输", "农业农村",
              "市场监管", "公共安全", "文化旅游", "民政", "人力资源", "科技创新", "水务", "园林绿化",
              "应急管理", "财政", "统计", "审计", "规划自然资源", "生态环境", "体育", "城乡建设"]  # fmt: skip
VERBS = ["推进", "加强", "落实", "完善", "开展", "实施", "组织", "优化", "提升", "规范", "保障", "建设",
         "改造", "维修", "采购", "验收", "拨付", "审批", "核查", "整治", "监督检查"]  # fmt: skip
NOUNS = ["社区", "街道", "公共服务", "基础设施", "民生工程", "专项资金", "补贴", "安全生产", "老旧小区",
         "垃圾分类", "营商环境", "保障性住房", "乡村振兴", "就业创业", "养老服务", "义务教育", "道路",
         "绿化", "排水管网", "防汛", "食品安全", "智慧城市", "一网通办", "公共交通", "河道治理", "校舍"]  # fmt: skip
TAILS = ["工作经费", "项目资金", "运行维护费", "专项补助", "配套资金", "年度任务", "采购合同", "工程款"]  # fmt: skip


def _address(rng: random.Random) -> str:
    return f"示范市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 399)}号"


def _phone(rng: random.Random) -> str:
    return f"0999-{rng.randint(20000000, 89999999)}"


def _day(year: int, rng: random.Random) -> str:
    return (dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))).isoformat()


def write_payments(path: Path, n: int, seed: int = 20240601) -> None:
    """财政资金支付明细 as CSV: 日期, 区县, 类别, 事项, 金额, 数量 — the shape of a real ledger.

    DuckDB writes it (a million rows in about a second, where Python takes ten): each value
    is drawn from hash(row, seed, column), so the same n and seed give the same file."""
    rng = random.Random(seed)
    items = [
        f"{rng.choice(VERBS)}{rng.choice(NOUNS)}{rng.choice(NOUNS) if rng.random() < 0.4 else ''}"
        f"{rng.choice(TAILS)}"
        for _ in range(4096)
    ]
    con = duckdb.connect()
    try:
        con.execute(
            f"""COPY (
              SELECT CAST(DATE '2021-01-01' + CAST(hash(i, $seed, 1) % 1460 AS INTEGER) AS VARCHAR) AS 日期,
                $districts[1 + CAST(hash(i, $seed, 2) % {len(DISTRICTS)} AS INTEGER)] AS 区县,
                $categories[1 + CAST(hash(i, $seed, 3) % {len(CATEGORIES)} AS INTEGER)] AS 类别,
                $items[1 + CAST(hash(i, $seed, 4) % {len(items)} AS INTEGER)] AS 事项,
                printf('%.2f', pow(10, 2 + (hash(i, $seed, 5) % 1000000) / 250000.0)) AS 金额,
                1 + CAST(floor((hash(i, $seed, 6) % 1000) * (hash(i, $seed, 7) % 1000) / 5000.0)
                         AS INTEGER) AS 数量
              FROM range($n) t(i) ORDER BY i
            ) TO '{str(path).replace("'", "''")}' (HEADER, DELIMITER ',')""",  # noqa: S608 - our temp path, ints
            {"seed": seed, "n": n, "districts": DISTRICTS, "categories": CATEGORIES, "items": items},
        )  # fmt: skip
    finally:
        con.close()


def bikes(rng: random.Random, n: int) -> tuple[list[str], Iterator[list[Any]]]:
    rows = (
        [f"ZD{i:04d}", f"{rng.choice(ROADS)}{i}号站", rng.choice(DISTRICTS), rng.randint(10, 40),
         round(120.1 + rng.random() / 10, 6), round(30.2 + rng.random() / 10, 6)]
        for i in range(1, n + 1)
    )  # fmt: skip
    return ["站点编号", "站点名称", "所在区", "车桩数", "经度", "纬度"], rows


def directory(kind: str, extra: list[tuple[str, Callable[[random.Random], Any]]]) -> Rows:
    """A 名录 (directory) table: name, district, address, phone and some specific columns."""

    def build(rng: random.Random, n: int) -> tuple[list[str], Iterator[list[Any]]]:
        rows = (
            [f"示范市{rng.choice(DISTRICTS)}{rng.choice(ROADS)[:2]}{kind}（{i}）", rng.choice(DISTRICTS),
             _address(rng), _phone(rng), *[f(rng) for _, f in extra]]
            for i in range(1, n + 1)
        )  # fmt: skip
        return ["名称", "所在区", "地址", "联系电话", *[c for c, _ in extra]], rows

    return build


def monthly(measures: list[tuple[str, int, int]], by: tuple[str, list[str]], year: int) -> Rows:
    """A monthly statistics table: 月份 × one dimension, with integer measures."""

    def build(rng: random.Random, n: int) -> tuple[list[str], Iterator[list[Any]]]:
        rows = (
            [f"{year}-{m:02d}", d, *[rng.randint(lo, hi) for _, lo, hi in measures]]
            for m in range(1, 13)
            for d in by[1]
        )
        return ["月份", by[0], *[c for c, _, _ in measures]], rows

    return build


def daily(columns: list[tuple[str, Callable[[random.Random], Any]]], year: int) -> Rows:
    def build(rng: random.Random, n: int) -> tuple[list[str], Iterator[list[Any]]]:
        rows = (
            [(dt.date(year, 1, 1) + dt.timedelta(days=d)).isoformat(), district,
             *[f(rng) for _, f in columns]]
            for d in range(0, 365, max(1, 365 * len(DISTRICTS[:4]) // max(n, 1)))
            for district in DISTRICTS[:4]
        )  # fmt: skip
        return ["日期", "区县", *[c for c, _ in columns]], rows

    return build


def records(columns: list[tuple[str, Callable[[random.Random], Any]]]) -> Rows:
    def build(rng: random.Random, n: int) -> tuple[list[str], Iterator[list[Any]]]:
        return [c for c, _ in columns], ([f(rng) for _, f in columns] for _ in range(n))

    return build


def pick(*values: Any) -> Callable[[random.Random], Any]:
    return lambda rng: rng.choice(values)


def num(lo: float, hi: float, digits: int = 0) -> Callable[[random.Random], Any]:
    if digits == 0:
        return lambda rng: rng.randint(int(lo), int(hi))
    return lambda rng: round(rng.uniform(lo, hi), digits)


def company(rng: random.Random) -> str:
    return f"示范市{rng.choice(['恒信', '华泰', '金桥', '青山', '湖光', '新锐', '百川', '远航', '丰源', '瑞达'])}" \
        f"{rng.choice(['科技', '贸易', '建设', '食品', '物流', '化工', '医药', '餐饮'])}有限公司{rng.randint(1, 999)}"  # fmt: skip


# --- the catalogue ------------------------------------------------------------------------------------
@dataclass
class Spec:
    org: str
    name: str
    title: str
    domain: str
    frequency: str
    rows: Rows | None  # None: a link resource, unless `big`
    n: int = 200
    level: str = "unconditional"
    summary: str = ""
    notes: dict[str, str] = field(default_factory=dict)
    overdue_days: int = 0  # set 最近更新 back this many days
    applications: int = 0  # pending 有条件开放 applications
    approved: bool = False
    big: bool = False  # the million-row ledger, written by `write_payments`


def specs(year: int) -> list[Spec]:
    y = year
    return [
        Spec("czj", "fiscal-payments", "示范市财政资金支付明细", "财税金融", "daily", None, n=big_rows(), big=True,
             summary="市本级及各区县财政国库集中支付的逐笔明细，含支付日期、区县、支出类别、事项、金额（元）与数量，按日更新。",
             notes={"日期": "支付日期", "区县": "预算单位所在区县", "类别": "支出功能分类", "事项": "支付事项摘要",
                    "金额": "支付金额（元）", "数量": "支付笔数或采购数量"}),
        Spec("jtj", "public-bikes", "示范市公共自行车站点", "交通出行", "monthly", bikes,
             summary="全市公共自行车租赁站点的位置、所在区与车桩数量，便于市民查询与导航应用开发。",
             notes={"站点编号": "站点唯一编号", "车桩数": "可停放车辆的车桩数", "经度": "GCJ-02 经度", "纬度": "GCJ-02 纬度"}),
        Spec("jtj", "bus-lines", "示范市公交线路", "交通出行", "quarterly",
             records([("线路", lambda r: f"{r.randint(1, 320)}路"), ("起点站", lambda r: f"{r.choice(ROADS)}站"),
                      ("终点站", lambda r: f"{r.choice(ROADS)}站"), ("首班时间", pick("05:30", "06:00", "06:30")),
                      ("末班时间", pick("21:00", "22:00", "23:00")), ("票价", pick(1, 2))]), n=180,
             summary="市区公交线路的起讫站点、首末班时间与票价，由市交通运输局按季度更新。"),
        Spec("jtj", "parking-lots", "示范市公共停车场", "交通出行", "monthly",
             directory("停车场", [("泊位数", num(40, 900)), ("收费标准", pick("首小时5元", "每小时3元", "免费"))]),
             summary="全市对外开放的公共停车场名称、地址与泊位数。", overdue_days=75),
        Spec("bgs", "service-volume", "示范市政务服务事项办件量统计", "政务服务", "monthly",
             monthly([("受理量", 200, 3000), ("办结量", 150, 2900), ("好评数", 100, 2800)],
                     ("部门", ["发展和改革委员会", "教育局", "人力资源和社会保障局", "市场监督管理局", "住房和城乡建设局"]), y),
             summary="各部门政务服务事项按月的受理量、办结量与好评数，来源于一体化政务服务平台。",
             notes={"月份": "统计月份", "部门": "受理部门", "受理量": "当月受理件数", "办结量": "当月办结件数", "好评数": "“好差评”好评数"}),
        Spec("bgs", "service-halls", "示范市政务服务中心及便民服务站", "政务服务", "yearly",
             directory("便民服务站", [("办理事项数", num(20, 400)), ("周末开放", pick("是", "否"))]), n=120,
             summary="市、区县、街道（乡镇）政务服务中心和社区便民服务站的地址、电话与可办事项数量。"),
        Spec("bgs", "hotline-12345", "示范市12345热线诉求统计", "政务服务", "daily",
             daily([("来电量", num(300, 2000)), ("诉求类别", pick("城市管理", "住房", "交通", "教育", "医疗")),
                    ("按时办结率", num(90, 100, 1))], y), n=1460,
             summary="12345政务服务便民热线按日、按区县的来电量、主要诉求类别与按时办结率。", overdue_days=20),
        Spec("sthj", "air-quality", "示范市空气质量日报", "生态环境", "daily",
             daily([("AQI", num(20, 180)), ("首要污染物", pick("PM2.5", "PM10", "O3", "—")),
                    ("空气质量等级", pick("优", "良", "轻度污染"))], y), n=1460,
             summary="各区县空气质量自动监测站点的日均空气质量指数（AQI）与等级。",
             notes={"日期": "监测日期", "区县": "监测点所在区县", "AQI": "空气质量指数", "首要污染物": "当日首要污染物", "空气质量等级": "按 HJ 633 分级"}),
        Spec("sthj", "water-quality", "示范市地表水水质月报", "生态环境", "monthly",
             monthly([("溶解氧", 5, 11), ("高锰酸盐指数", 1, 6), ("氨氮（×0.01）", 5, 90)],
                     ("断面", ["青山湖出口", "南湖大桥", "滨江水厂取水口", "临港入海口"]), y),
             summary="主要河流湖泊国控、省控断面的水质监测结果。"),
        Spec("sthj", "pollution-permits", "示范市排污许可证发放信息", "生态环境", "irregular",
             records([("单位名称", company), ("许可证编号", lambda r: f"9199{r.randint(10**9, 10**10 - 1)}001P"),
                      ("行业类别", pick("化学原料制造", "金属表面处理", "食品制造", "污水处理")),
                      ("有效期至", lambda r: _day(y + 3, r))]), n=150,
             summary="核发的排污许可证单位、编号、行业与有效期。"),
        Spec("scj", "credit-ratings", "示范市企业信用评价结果", "信用服务", "quarterly",
             records([("企业名称", company), ("评价等级", pick("A", "B", "C", "D")), ("评价日期", lambda r: _day(y, r))]),
             n=300, level="conditional", applications=1, approved=True,
             summary="市场监管部门对企业开展信用风险分类评价的结果，限信用服务与科研用途申请使用。"),
        Spec("scj", "market-entities", "示范市市场主体登记信息", "市场监管", "monthly",
             records([("名称", company), ("类型", pick("有限责任公司", "个体工商户", "农民专业合作社", "股份有限公司")),
                      ("所在区", pick(*DISTRICTS)), ("成立日期", lambda r: _day(r.randint(y - 10, y), r)),
                      ("注册资本（万元）", num(1, 5000))]), n=2000,
             summary="新设立市场主体的名称、类型、所在区、成立日期与注册资本。"),
        Spec("scj", "food-inspections", "示范市食品安全监督抽检结果", "市场监管", "quarterly",
             records([("被抽检单位", company), ("食品名称", pick("大米", "食用油", "鲜牛奶", "猪肉", "蔬菜", "糕点")),
                      ("抽检日期", lambda r: _day(y, r)), ("结果", pick("合格", "合格", "合格", "不合格"))]), n=600,
             summary="各季度食品安全监督抽检的样品、抽检日期与结论。"),
        Spec("scj", "tax-credit-details", "示范市企业纳税信用明细", "信用服务", "quarterly",
             records([("企业名称", company), ("纳税额（元）", num(1000, 10**7))]), n=50, level="closed",
             summary="企业纳税明细涉及商业秘密，依法不予开放，仅列入数据资源清单。"),
        Spec("jyj", "schools", "示范市中小学校名录", "教育文化", "yearly",
             directory("学校", [("学段", pick("小学", "初中", "九年一贯制", "高中")), ("办学性质", pick("公办", "民办"))]),
             n=260, summary="全市中小学校的名称、学段、办学性质、地址与电话，每年秋季开学后更新。",
             notes={"名称": "学校全称", "学段": "办学学段", "办学性质": "公办或民办", "地址": "校址", "联系电话": "招生咨询电话", "所在区": "学校所在区县"}),
        Spec("jyj", "kindergartens", "示范市幼儿园名录", "教育文化", "yearly",
             directory("幼儿园", [("等级", pick("省一级", "省二级", "省三级")), ("普惠性", pick("是", "否"))]), n=320,
             summary="全市幼儿园的名称、等级、是否普惠性与联系方式。"),
        Spec("jyj", "enrolment-plan", "示范市义务教育招生计划", "教育文化", "yearly",
             records([("学校", lambda r: f"示范市{r.choice(ROADS)[:2]}小学"), ("招生班数", num(2, 12)),
                      ("计划人数", num(80, 540)), ("施教区", pick(*DISTRICTS))]), n=150,
             summary="各公办小学、初中的招生班数与计划人数。", overdue_days=400),
        Spec("wjw", "hospitals", "示范市医疗机构名录", "医疗卫生", "yearly",
             directory("医院", [("等级", pick("三级甲等", "二级甲等", "一级", "未定级")), ("床位数", num(20, 2000))]),
             n=140, summary="全市医疗机构的名称、等级、床位数、地址与电话。"),
        Spec("wjw", "pharmacies", "示范市医保定点零售药店", "医疗卫生", "quarterly",
             directory("大药房", [("营业时间", pick("8:00-21:00", "24小时", "8:30-20:30"))]), n=480,
             summary="医保定点零售药店名单，可用医保卡购药。"),
        Spec("wjw", "vaccination-clinics", "示范市预防接种门诊", "医疗卫生", "irregular",
             directory("接种门诊", [("服务类型", pick("儿童", "成人", "儿童及成人")), ("门诊时间", pick("周一至周五", "周二、周四、周六"))]),
             n=90, summary="各预防接种门诊的地址、服务对象与门诊时间。"),
        Spec("rsj", "job-fairs", "示范市招聘会信息", "就业创业", "weekly",
             records([("招聘会名称", lambda r: f"{r.choice(['春风行动', '高校毕业生', '就业援助月', '民营企业'])}专场招聘会"),
                      ("举办日期", lambda r: _day(y, r)), ("地点", _address), ("岗位数", num(100, 3000))]), n=80,
             summary="人力资源市场举办的现场招聘会时间、地点与岗位数。", overdue_days=30),
        Spec("rsj", "employment-subsidies", "示范市就业补贴发放明细", "就业创业", "monthly",
             records([("发放月份", lambda r: f"{y}-{r.randint(1, 12):02d}"), ("补贴类别", pick("社保补贴", "岗位补贴", "培训补贴", "创业补贴")),
                      ("区县", pick(*DISTRICTS)), ("人数", num(1, 300)), ("金额（元）", num(1000, 900000))]), n=800,
             level="conditional", applications=2,
             summary="各类就业补贴按月、按区县的发放人数与金额，含个人汇总信息，须申请使用。"),
        Spec("rsj", "social-insurance-offices", "示范市社保经办网点", "社会保障", "irregular",
             directory("社保服务站", [("可办业务", pick("参保登记、待遇申领", "医保报销", "社保卡办理"))]), n=60,
             summary="社会保险经办服务网点的地址、电话与可办业务。"),
        Spec("czj", "budget-execution", "示范市一般公共预算执行情况", "财税金融", "monthly",
             monthly([("预算数（万元）", 5000, 90000), ("执行数（万元）", 2000, 90000)],
                     ("科目", ["一般公共服务", "教育", "科学技术", "社会保障和就业", "卫生健康", "节能环保", "城乡社区"]), y),
             summary="市本级一般公共预算支出各功能科目按月的预算数与执行数。"),
        Spec("zrj", "land-supply", "示范市国有建设用地供应结果", "自然资源", "quarterly",
             records([("宗地编号", lambda r: f"示地〔{y}〕{r.randint(1, 99)}号"), ("用途", pick("住宅", "商服", "工业", "公共服务")),
                      ("面积（平方米）", num(2000, 120000)), ("成交价（万元）", num(300, 90000)), ("供应方式", pick("挂牌", "拍卖", "划拨"))]),
             n=120, summary="国有建设用地使用权出让、划拨的宗地用途、面积与成交价。"),
        Spec("zrj", "planning-permits", "示范市建设工程规划许可", "自然资源", "irregular",
             records([("项目名称", lambda r: f"{r.choice(ROADS)}{r.choice(['安置房', '学校', '社区中心', '商业综合体'])}项目"),
                      ("建设单位", company), ("许可证号", lambda r: f"建字第{y}{r.randint(1000, 9999)}号"),
                      ("建筑面积（平方米）", num(3000, 200000))]), n=140,
             summary="核发的建设工程规划许可证信息。"),
        Spec("zjj", "affordable-housing", "示范市保障性住房项目", "城乡建设", "quarterly",
             records([("项目名称", lambda r: f"{r.choice(DISTRICTS)}{r.choice(['安居', '康居', '乐居'])}苑{r.randint(1, 9)}期"),
                      ("房源类型", pick("公共租赁住房", "保障性租赁住房", "共有产权住房")), ("套数", num(100, 3000)),
                      ("进度", pick("在建", "已竣工", "已交付"))]), n=60,
             summary="保障性住房项目的房源类型、套数与建设进度。"),
        Spec("zjj", "construction-permits", "示范市建筑工程施工许可", "城乡建设", "monthly",
             records([("工程名称", lambda r: f"{r.choice(ROADS)}{r.choice(['住宅', '厂房', '学校', '医院'])}工程"),
                      ("施工单位", company), ("发证日期", lambda r: _day(y, r)), ("合同价（万元）", num(100, 50000))]), n=400,
             summary="建筑工程施工许可证的工程名称、施工单位、发证日期与合同价。"),
        Spec("yjj", "shelters", "示范市应急避难场所", "应急管理", "yearly",
             directory("应急避难场所", [("可容纳人数", num(500, 20000)), ("类型", pick("公园绿地", "学校操场", "体育场馆"))]),
             n=110, summary="全市应急避难场所的位置、类型与可容纳人数。",
             notes={"名称": "避难场所名称", "所在区": "所在区县", "地址": "地址", "联系电话": "管理单位电话", "可容纳人数": "设计容纳人数", "类型": "场所类型"}),
        Spec("yjj", "hazardous-chemicals", "示范市危险化学品经营企业", "应急管理", "yearly",
             records([("企业名称", company), ("许可范围", pick("汽油、柴油", "液化石油气", "工业气体", "油漆涂料")),
                      ("许可证有效期", lambda r: _day(y + 2, r))]), n=90, level="conditional",
             summary="危险化学品经营许可企业及许可范围，涉及公共安全，限应急管理相关研究申请使用。"),
        Spec("fgw", "price-monitoring", "示范市重要民生商品价格监测", "经济发展", "weekly",
             records([("监测日期", lambda r: _day(y, r)), ("商品", pick("大米", "面粉", "猪肉", "鸡蛋", "白菜", "食用油")),
                      ("规格", pick("散装 500克", "标准 500克")), ("均价（元）", num(1.5, 30, 2))]), n=900,
             summary="农贸市场与超市重要民生商品的周均价。"),
        Spec("fgw", "key-projects", "示范市重点建设项目", "经济发展", "yearly",
             records([("项目名称", lambda r: f"{r.choice(DISTRICTS)}{r.choice(['综合交通枢纽', '污水处理厂', '产业园', '人民医院新院区'])}"),
                      ("总投资（亿元）", num(1, 120, 1)), ("年度计划投资（亿元）", num(0.5, 30, 1)), ("建设性质", pick("新建", "续建"))]),
             n=80, summary="年度市重点建设项目的总投资、年度计划投资与建设性质。"),
        Spec("city", "statistics-bulletin", "示范市国民经济和社会发展统计公报", "经济发展", "yearly", None,
             summary="统计公报全文链接，由市统计部门每年发布。"),
        Spec("dcq", "community-centres", "示范市东城区社区服务中心", "社区服务", "irregular",
             directory("社区服务中心", [("服务项目", pick("养老服务、托育", "就业服务、法律援助", "党群服务"))]), n=45,
             summary="东城区各社区党群服务中心的地址、电话与服务项目。"),
        Spec("xhq", "scenic-spots", "示范市西湖区旅游景点", "文化旅游", "yearly",
             records([("景点名称", lambda r: f"西湖区{r.choice(['青山', '湖光', '古塔', '梅园', '渔村'])}{r.choice(['公园', '景区', '博物馆', '古镇'])}"),
                      ("等级", pick("4A", "3A", "未评级")), ("门票（元）", pick(0, 0, 20, 40, 60)), ("开放时间", pick("8:00-17:30", "全天"))]),
             n=40, summary="西湖区旅游景点的等级、门票与开放时间。"),
    ]  # fmt: skip


# --- loading ----------------------------------------------------------------------------------------
def _write(spec: Spec, rng: random.Random, out: Any) -> None:
    header, rows = spec.rows(rng, spec.n)  # type: ignore[misc]
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    w = csv.writer(text, lineterminator="\n")
    w.writerow(header)
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 50_000:
            w.writerows(batch)
            batch.clear()
    w.writerows(batch)
    text.flush()
    text.detach()
    out.seek(0)


APPLICANTS = [
    ("王晓明", "示范大学公共管理学院", "13800001111", "研究企业信用分类监管的效果，论文中只使用汇总结果"),
    ("陈静", "示范市某信用服务有限公司", "13900002222", "为金融机构提供企业信用报告，按约定保护数据"),
    ("刘洋", "示范市就业促进研究会", "13700003333", "分析就业补贴政策的覆盖面与发放时效，形成政策建议"),
]  # fmt: skip


def build(
    orgs: dict[str, Organization], out: Callable[[str], Any] = print, year: int = 2025
) -> int:
    """Load the catalogue; returns how many datasets it created."""
    made, rows_total, applicants = 0, 0, iter(APPLICANTS * 3)
    started = time.perf_counter()
    today = timezone.localdate()
    for i, spec in enumerate(specs(year)):
        if Dataset.objects.filter(name=spec.name).exists():
            continue
        org = orgs.get(spec.org) or next(iter(orgs.values()))
        data: dict[str, Any] = {
            "name": spec.name, "title": spec.title, "domain": spec.domain,
            "description": spec.summary or f"{org.name}发布的{spec.title}。",
            "tags": [spec.domain, spec.title.removeprefix("示范市")[:10]],
            "frequency": spec.frequency, "open_level": spec.level,
            "spatial": "示范市东城区" if spec.org == "dcq" else "示范市西湖区" if spec.org == "xhq" else "示范市",
            "temporal_start": dt.date(year, 1, 1) if i % 5 else None,
            "temporal_end": dt.date(year, 12, 31) if i % 5 else None,
            "contact_name": f"{org.short_name or org.name}数据管理科",
            "contact_phone": org.phone or "0999-12345678",
            "license_id": "gov-open" if i % 3 else "cc-by-4.0",
        }  # fmt: skip
        if spec.level == "conditional":
            data["open_conditions"] = "限科研、信用服务等用途，须提交申请并经数据提供方审核批准"
        if spec.level == "closed":
            data["open_conditions"] = "涉及商业秘密，依据《政府信息公开条例》第十五条不予开放"
        dataset = services.create_dataset(by=SYSTEM, org=org, data=data)
        if spec.rows is None and not spec.big:
            services.add_resource(dataset, by=SYSTEM, data={
                "name": f"{spec.title}（网页）", "url": "https://www.stats.gov.cn/sj/tjgb/", "format": "HTML",
            })  # fmt: skip
        else:
            resource = services.add_resource(
                dataset, by=SYSTEM, data={"name": f"{spec.title}（CSV）"}
            )
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"{spec.name}.csv"
                if spec.big:
                    write_payments(path, spec.n, seed=1000 + i)
                else:
                    with path.open("wb") as f:
                        _write(spec, random.Random(1000 + i), f)
                with path.open("rb") as f:
                    version = services.add_version(resource, by=SYSTEM, file=f, filename=path.name)
            version = services.ingest(version)
            rows_total += version.row_count or 0
            if spec.notes:
                services.set_column_descriptions(resource, by=SYSTEM, descriptions=spec.notes)
        if spec.level != "closed":
            services.publish_dataset(dataset, by=SYSTEM)
        if spec.overdue_days:
            # as if the last upload was that long ago: the dashboard's 逾期未更新 list has entries
            back = timezone.now() - dt.timedelta(days=spec.overdue_days)
            Dataset.objects.filter(pk=dataset.pk).update(last_updated=back, published_at=back)
        for _ in range(spec.applications):
            name, org_name, phone, purpose = next(applicants)
            services.apply_for_access(dataset, data={
                "applicant_name": name, "applicant_org": org_name, "phone": phone,
                "purpose": purpose, "days": 180,
            })  # fmt: skip
        if spec.approved:
            name, org_name, phone, purpose = next(applicants)
            req, _ = services.apply_for_access(dataset, data={
                "applicant_name": name, "applicant_org": org_name, "phone": phone,
                "purpose": purpose, "days": 90,
            })  # fmt: skip
            services.approve_access(req, by=SYSTEM, reason="用途符合开放条件")
        services.save_inventory_item(
            InventoryItem(org=org), by=SYSTEM, data={
                "title": spec.title, "domain": spec.domain, "open_level": spec.level,
                "planned_open_on": None if spec.level == "closed" else today + dt.timedelta(days=(i % 4) * 20 - 10),
                "dataset": dataset if spec.level != "closed" else None,
            },
        )  # fmt: skip
        made += 1
    for code, title, days in (("jtj", "示范市出租汽车运营统计", 60), ("wjw", "示范市家庭医生签约服务统计", -20),
                              ("zrj", "示范市不动产登记办理量", 90)):  # fmt: skip
        org = orgs.get(code) or next(iter(orgs.values()))
        if not InventoryItem.objects.filter(org=org, title=title).exists():
            services.save_inventory_item(InventoryItem(org=org), by=SYSTEM, data={
                "title": title, "domain": "计划开放", "open_level": "unconditional",
                "planned_open_on": today + dt.timedelta(days=days),
            })  # fmt: skip
    if made:
        seconds = time.perf_counter() - started
        out(f"数据开放演示数据：{made} 个数据集，共 {rows_total} 行，用时 {seconds:.1f} 秒")
    return made
