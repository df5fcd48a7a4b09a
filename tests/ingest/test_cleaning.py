from ingest.cleaning import clean_text
from tests.helpers import BRIEFING


def test_page_break_inside_word_is_joined():
    raw = "前瞻布局智能无人系统、具身智能、细胞与基\n\n因、未来网络与量子科技等6个未来产业。"
    assert "细胞与基因、未来网络" in clean_text(raw)


def test_page_break_after_enumeration_comma_is_joined():
    raw = "近年来，全球科技与产业格局深刻变革，中国尽管面临贸易摩擦、\n\n技术封锁等挑战，依然稳步发展。"
    assert clean_text(raw).count("\n") == 0


def test_heading_after_unfinished_line_is_not_joined():
    raw = "这是导语部分的一段很长很长的正文内容，但是没有写完句号就结束了\n\n一、总体要求\n\n正文。"
    assert "\n\n一、总体要求\n\n" in clean_text(raw)


def test_short_masthead_lines_stay_separate():
    raw = "领导学刊\n\n第 6 期\n(总第 142 期)\n\n苏州太湖书院\n苏州太湖智库 主办"
    cleaned = clean_text(raw)
    assert cleaned.split("\n\n")[0] == "领导学刊"
    assert "苏州太湖书院\n苏州太湖智库 主办" in cleaned


def test_wrapped_lines_ending_in_commas_are_joined():
    raw = "报：刘小涛书记、吴庆文市长，\n市委常委、副市长；\n社会组织党委。"
    assert clean_text(raw) == "报：刘小涛书记、吴庆文市长，市委常委、副市长；\n社会组织党委。"


def test_layout_spaces_beside_chinese_go_but_chinese_punctuation_stays():
    cleaned = clean_text("广州着力加强 1500 亿元规模的产投基金，在 “有形之手” 下。")
    assert cleaned == "广州着力加强1500亿元规模的产投基金，在“有形之手”下。"


def test_spaces_between_latin_words_and_between_chinese_phrases_stay():
    assert clean_text("AI for science 赋能") == "AI for science赋能"
    assert (
        clean_text("责任编辑：柴永鹏 联系电话：18896954159 65519639")
        == "责任编辑：柴永鹏 联系电话：18896954159 65519639"
    )


def test_known_page_breaks_of_the_briefing_are_repaired():
    text = clean_text(BRIEFING.read_text(encoding="utf-8"))
    for word in ("细胞与基因", "高水平科技自立自强", "驱动着产业", "贸易摩擦、技术封锁"):
        assert word in text


def test_crlf_and_bom_are_handled():
    assert clean_text("\ufeff第一句。\r\n\r\n第二句。") == "第一句。\n\n第二句。"
