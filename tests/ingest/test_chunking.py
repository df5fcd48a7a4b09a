import itertools

from ingest.chunking import ChunkSettings, passages_for
from ingest.cleaning import clean_text
from ingest.structure import blocks
from tests.helpers import BRIEFING
from text.sentences import sentence_spans


def _passages(settings: ChunkSettings | None = None):
    settings = settings or ChunkSettings()
    text = clean_text(BRIEFING.read_text(encoding="utf-8"))
    return text, passages_for("doc", text, blocks(text), settings)


def test_every_passage_is_its_document_slice_and_ends_a_sentence():
    text, passages = _passages()
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert p.text[-1] in "。！？；”）" or p.kind != "body"


def test_passages_respect_size_and_stay_in_one_section():
    settings = ChunkSettings(max_chars=150, overlap_sentences=1)
    text, passages = _passages(settings)
    for p in passages:
        assert len(p.text) <= 150 or len(sentence_spans(p.text)) == 1
        assert all(b.section == p.section for b in blocks(text) if b.start < p.end and b.end > p.start)


def test_no_passage_is_contained_in_its_predecessor():
    _, passages = _passages()
    for before, after in itertools.pairwise(passages):
        assert not (after.start >= before.start and after.end <= before.end)


def test_no_sentence_holds_a_stray_line_break():
    _, passages = _passages()
    for p in passages:
        if p.kind == "body":
            for s, e in sentence_spans(p.text):
                assert "\n" not in p.text[s:e]


def test_known_page_breaks_stay_whole_inside_passages():
    _, passages = _passages()
    for word in ("细胞与基因", "高水平科技自立自强", "驱动着产业", "贸易摩擦、技术封锁"):
        assert any(word in p.text for p in passages), word


def test_masthead_and_footer_are_searchable_passages():
    _, passages = _passages()
    kinds = {p.kind for p in passages}
    assert {"masthead", "footer", "body"} <= kinds
    assert any("责任编辑" in p.text for p in passages if p.kind == "footer")
