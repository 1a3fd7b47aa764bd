"""Named days, weeks, months, forums, competitions, campaigns."""
from __future__ import annotations

from kg.rdf.iris import fold

from .helpers import run, spans_ok


def event_names(text):
    ex = run(text)
    assert spans_ok(ex)
    return [fold(e.name) for e in ex.events]


def test_named_days_and_weeks():
    got = event_names("结合“4·15全民国家安全教育日”“宪法宣传周”等重要时间节点,组织开展宣传活动。")
    assert got == ["全民国家安全教育日", "宪法宣传周"]   # the date is the event's day (see below), not its name


def test_recurring_date_is_read():
    ex = run("围绕“12·4”国家宪法日开展普法。")
    assert ex.events[0].date == "--12-04"


def test_forum_competition_month_campaign():
    text = ("协同做好“一带一路”法律服务国际论坛涉外礼宾指导。创新举办领事保护公益海报设计大赛,吸引市民参与。"
            "启动“领保护航”2025某某领事保护宣传月。从严开展整治突出问题规范行政执法专项行动。")
    got = event_names(text)
    assert "一带一路法律服务国际论坛" in got
    assert "领事保护公益海报设计大赛" in got
    assert any(g.endswith("2025某某领事保护宣传月") for g in got)
    assert "整治突出问题规范行政执法专项行动" in got


def test_quoted_activity_and_dated_exam():
    got = event_names("组织开展“进千企、解企忧、促发展”等活动。在2023年度市管领导干部学法用法考试工作中,参考率100%。")
    assert "进千企、解企忧、促发展" in got
    assert "2023年度市管领导干部学法用法考试" in got


def test_bare_head_words_are_not_events():
    assert event_names("开展专项行动,组织演练,举办比赛。") == []


def test_head_word_at_the_very_end_after_empty_quotes():
    # a closing-quote check past the end of the text used to read "" as a quote and overrun the text
    from kg.extract import extract_text
    ex = extract_text("“”宪法日")
    assert all(ex.text[s:e] == ev.surface for ev in ex.events for s, e in ev.spans)


def test_a_dated_day_is_one_event_with_or_without_its_date():
    """“4·15”全民国家安全教育日 in one report and 全民国家安全教育日 in another are the same event (one node): the
    name drops the date, which stays the event's day; the text as written stays its surface."""
    a = run("4月,结合“4·15”全民国家安全教育日开展宣传。")
    b = run("组织全民国家安全教育日主题活动。")
    (ea,), (eb,) = a.events, b.events
    assert ea.name == eb.name == "全民国家安全教育日"
    assert ea.surface.startswith("“4·15") and ea.date == "--04-15"
    # a date alone in front of a short head is kept: 3·15 is not dropped to leave a two-character name
    assert run("开展3·15宣传日活动。").events[0].name.startswith("3·15")


def test_mentions_written_with_and_without_the_date_are_all_evidence():
    ex = run("组织全民国家安全教育日宣传。4月,结合“4·15”全民国家安全教育日开展活动。")
    (ev,) = ex.events
    assert ev.name == "全民国家安全教育日" and ev.date == "--04-15"
    assert len(ev.spans) == 1 and len(ev.alias_spans) == 1 and ev.aliases == ["“4·15”全民国家安全教育日"]
    assert spans_ok(ex)
