"""Named events: days, weeks and months (“4·15”全民国家安全教育日, 宪法宣传周, 民法典宣传月), forums,
competitions, drills, campaigns (…专项行动), and quoted activity names (“进千企、解企忧、促发展”等活动).

An event name is found from its head word (…宣传周, …论坛, …大赛) and extended to the left up to the
punctuation or the verb that introduces it (开展/举办/启动/承办 …); modifiers (集中/联合 …) end it only at the
start of a clause. A few heads are whole names (安全生产月, 质量月). Also: dated days of any name (“N·N”…日),
学法(用法)考试 with or without a year, quoted names listed before …活动, and quoted names whose shape is a
campaign (…办实事, 送法下乡, …进校园).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.text import TextView

_HEADS = ("宣传周", "宣传月", "宣传日", "教育日", "活动周", "活动月", "宪法日", "开放日", "纪念日", "读书日", "环境日",
          "知识产权日", "禁毒日", "减灾日", "科普日", "旅游日", "档案日", "权益日", "关爱日", "安全生产月", "质量月",
          "论坛", "大赛", "竞赛", "比武", "比赛", "擂台赛", "知识竞答", "应急演练", "现场会", "专项行动", "专项整治行动",
          "专项整治", "攻坚行动", "集中行动", "春风行动", "行动", "专项斗争", "大讲堂", "大练兵", "万里行", "沙龙",
          "运动会", "博览会", "展览会", "交易会", "文化节", "艺术节", "嘉年华", "峰会", "年会")
# heads that are a whole name on their own (national campaigns named by the head alone)
_WHOLE = {"安全生产月", "质量月", "春风行动"}
# heads too generic to stand with a short modifier: they need a quoted or a longer name before them
_WEAK_HEADS = {"行动", "专项整治", "比赛", "竞赛"}
_HEAD = re.compile("|".join(sorted(map(re.escape, _HEADS), key=len, reverse=True)))
# verbs and particles that introduce an event: the name starts after them
# verbs always end the name; modifiers (集中, 联合 …) only where they start a clause, since inside a compound
# they are part of the name (医保基金监管集中宣传月)
_TRIGGERS = ("开展", "举办", "组织", "启动", "承办", "召开", "参加", "参与", "结合", "做好", "荣获", "获得", "举行",
             "筹办", "协办", "主办", "利用", "借助", "围绕", "通过", "抓住", "依托", "部署", "推进", "深化",
             "获评", "入选", "配合", "落实", "牵头", "出席", "开通", "策划", "采取", "实施", "推动", "期间")
_MODIFIERS = ("持续", "积极", "成功", "创新", "首届", "从严", "扎实", "深入", "全面", "广泛", "认真", "集中", "联合",
              "共同", "精心", "统一", "大力")
_SINGLE_STOPS = set("在以于与及和的等对把将为是了并由")
_BREAK = set("。,;:、!?()《》[]【】|\n")
_MAX_LEFT = 26
_EXAM = re.compile(r"(?:19|20)\d{2}年度?[\u4e00-\u9fff]{2,24}?考试")
_LAW_EXAM = re.compile(r"学法(?:用法)?考试")   # a 学法考试 without a year: the name is found like a head's
# one or more quoted names listed right before 活动: “A”“B”、“C”等(系列/主题/宣传…)活动
_QUOTED_ITEM = re.compile(r"[“\"](?P<q>[^“”\"\n]{2,24})[”\"]")
_ACTIVITY_AFTER = re.compile(r"等?(?:系列|主题|专题|专项|实践|宣传|普法|志愿服务)*活动")
# a quoted name that is a campaign by its own shape: …办实事, 送法下乡, 法律进校园 (the 普法 “进” campaigns)
_QUOTED_CAMPAIGN = re.compile(r"[“\"](?P<q>[^“”\"\n]{1,16}(?:办实事|下乡|进(?:校园|社区|企业|农村|乡村|机关|单位|家庭|"
                              r"万家|千企|网络|军营|寺庙|景区|工地|园区|市场)))[”\"]")
# “4·22”世界地球日, 3·15国际消费者权益日: a dated day of any name
_DATED_DAY = re.compile(r"[“\"]?\d{1,2}·\d{1,2}[”\"]?[\u4e00-\u9fff]{2,12}?日(?!子|常|期(?!间))")
_RECURRING = {"国家宪法日": "--12-04", "全民国家安全教育日": "--04-15", "世界读书日": "--04-23",
              "世界知识产权日": "--04-26", "国际禁毒日": "--06-26", "世界环境日": "--06-05",
              "消费者权益日": "--03-15", "全国防灾减灾日": "--05-12", "国际档案日": "--06-09"}
_DATE_PREFIX = re.compile(r"(\d{1,2})·(\d{1,2})")


@dataclass
class EventHit:
    start: int
    end: int
    name: str
    date: str | None = None


def _left_edge(norm: str, head_start: int) -> int:
    """Start of the event name: scan left to a break, a particle or a verb that introduces it; quoted text is
    taken whole, and a name that starts inside a quotation starts at its opening quote."""
    k = head_start
    in_quote = False
    floor = max(0, head_start - _MAX_LEFT)
    while k > floor:
        ch = norm[k - 1]
        if ch == "”":
            in_quote = True
        elif ch == "“":
            if not in_quote:
                return k - 1
            in_quote = False
        elif not in_quote and (ch in _BREAK or ch in _SINGLE_STOPS or norm[k - 2:k] in _TRIGGERS):
            break
        elif not in_quote and norm[k - 2:k] in _MODIFIERS and _clause_start(norm, k - 2):
            break
        k -= 1
    return k


def _clause_start(norm: str, i: int) -> bool:
    """Does position i start a clause: after a break, a particle or a verb/modifier that introduces the event?"""
    prev = norm[i - 1:i]
    return not prev or prev in _BREAK or prev in _SINGLE_STOPS or norm[i - 2:i] in _TRIGGERS + _MODIFIERS or prev in "”\""


def _trim(norm: str, s: int, e: int) -> tuple[int, int]:
    # an opening quote without its closing one inside the name is not part of it
    while s < e and norm[s] in "“\"" and not any(c in "”\"" for c in norm[s + 1:e]):
        s += 1
    while s < e and norm[s] == " ":
        s += 1
    # a name fully inside quotes: the surface is what is inside
    if e - s > 2 and norm[s] == "“" and norm[e - 1] == "”" and norm.count("“", s, e) == 1:
        s, e = s + 1, e - 1
    return s, e


_LEADING_DATE = re.compile(r"^[“\"]?\d{1,2}·\d{1,2}[”\"]?")


def canonical_event_name(name: str) -> str:
    """“4·15”全民国家安全教育日 and 全民国家安全教育日 are one event: its date is kept as the event's day
    (EventHit.date), so the name drops it, as long as a name of 4 or more characters remains."""
    rest = _LEADING_DATE.sub("", name)
    return rest if len(rest) >= 4 and rest != name else name


def find_events(view: TextView, excluded: list[tuple[int, int]]) -> list[EventHit]:
    norm = view.norm
    hits: list[EventHit] = []
    blocked = bytearray(len(norm))
    for s, e in excluded:
        blocked[s:e] = b"\x01" * (e - s)

    def add(s: int, e: int, min_len: int = 4):
        if e - s < min_len or any(blocked[s:e]):
            return
        blocked[s:e] = b"\x01" * (e - s)  # events do not overlap one another
        name = norm[s:e]
        date = None
        m = _DATE_PREFIX.match(name.lstrip("“\""))   # “6·25”全国土地日 too
        if m:
            date = f"--{int(m.group(1)):02d}-{int(m.group(2)):02d}"
        else:
            for day, rec in _RECURRING.items():
                if day in name:
                    date = rec
        hits.append(EventHit(s, e, name, date))

    for m in _HEAD.finditer(norm):
        e = m.end()
        if e < len(norm) and norm[e] in "”\"" and "“" in norm[max(0, m.start() - _MAX_LEFT):m.start()]:
            e += 1
        s = _left_edge(norm, m.start())
        head = m.group()
        if m.start() - s < 2:
            if head not in _WHOLE:
                continue  # a bare head word (开展专项行动) names no event
        elif head in _WEAK_HEADS and m.start() - s < 4 and "”" not in norm[s:m.start()]:
            continue  # 采取行动, 体育比赛: too generic without a longer or quoted name
        s, e = _trim(norm, s, e)
        add(s, e, 3 if head in _WHOLE else 4)
    for m in _DATED_DAY.finditer(norm):
        add(*_trim(norm, *m.span()))
    for m in _EXAM.finditer(norm):
        add(*m.span())
    for m in _LAW_EXAM.finditer(norm):
        s = _left_edge(norm, m.start())
        if m.start() - s >= 2:
            add(*_trim(norm, s, m.end()))
    for m in _ACTIVITY_AFTER.finditer(norm):
        # walk back over the quoted items listed before 活动
        items, k = [], m.start()
        while True:
            j = k - 1 if norm[k - 1:k] == "、" else k
            q = re.search(r"[“\"][^“”\"\n]{2,24}[”\"]$", norm[max(0, j - 27):j])
            if not q:
                break
            qs = j - (len(q.group()))
            items.append((qs + 1, j - 1))
            k = qs
        for s, e in reversed(items):
            add(s, e)
    for m in _QUOTED_CAMPAIGN.finditer(norm):
        add(*m.span("q"))
    hits.sort(key=lambda h: h.start)
    return hits
