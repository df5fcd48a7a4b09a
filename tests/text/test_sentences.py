from text.sentences import BRIEFING, SentenceRule, sentence_spans


def _texts(text, **options):
    return [text[s:e] for s, e in sentence_spans(text, **options)]


def test_sentences_split_on_chinese_end_marks_and_keep_closing_quotes():
    text = "他说：“好。”然后走了！真的吗？是的；结束"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["他说：“好。”", "然后走了！", "真的吗？", "是的；", "结束"]


def test_overlong_sentence_is_cut_after_a_comma():
    text = "甲" * 50 + "，" + "乙" * 50 + "。"
    spans = sentence_spans(text, max_chars=60)
    assert [e - s for s, e in spans] == [51, 51]


def test_ascii_marks_and_line_breaks_end_a_briefing_sentence_but_an_ellipsis_does_not():
    assert _texts("Why? 因为……所以\n下一行 (见附件!) 完") == ["Why?", "因为……所以", "下一行 (见附件!)", "完"]


def test_a_rule_names_its_own_marks():
    rule = SentenceRule(ends="。", closers="」", line_breaks=False)
    assert _texts("甲！乙\n丙。」丁", rule=rule) == ["甲！乙\n丙。」", "丁"]
    assert _texts("甲！乙\n丙。」丁", rule=BRIEFING) == ["甲！", "乙", "丙。」", "丁"]


def test_spans_stay_inside_the_range_asked_for():
    text = "前文。甲。乙。后文。"
    assert _texts(text, start=3, end=7) == ["甲。", "乙。"]
