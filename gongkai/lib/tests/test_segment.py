"""Segmentation for search: government vocabulary, normalisation, index/query agreement."""

from itertools import pairwise
from pathlib import Path

from gongkai.lib import segment


def test_government_terms_stay_whole() -> None:
    for term in ["政务公开", "依申请公开", "放管服", "一网通办", "规范性文件", "主动公开基本目录"]:
        assert segment.words(f"关于{term}的通知")[1] == term, term


def test_index_tokens_hold_words_and_their_parts() -> None:
    tokens = segment.index_tokens("专项资金管理办法")
    assert {"专项", "资金", "专项资金", "管理", "办法", "管理办法"} <= set(tokens)
    # exactly jieba's search mode: every word preceded by its dictionary parts
    text = "各区县人民政府要落实放管服改革，推进一网通办和政府信息公开条例。"
    expected = [t for w in segment.words(text) for t in [*segment.subwords(w), w]]
    assert segment.index_tokens(text) == expected


def test_normalisation_traditional_full_width_case() -> None:
    assert segment.normalize("政務公開") == "政务公开"
    assert segment.normalize("ＡＢＣ１２３　（注）") == "abc123 (注)"
    assert segment.words("政務公開") == ["政务公开"]


def test_punctuation_is_dropped_on_both_sides() -> None:
    assert segment.words("“，。！？”  ") == []
    assert segment.index_tokens("…—、") == []


def test_phrase_positions_match_index_positions() -> None:
    text = "为规范专项资金管理办法的执行，推进政务公开。"
    tokens = segment.index_tokens(text)
    placed = segment.phrase_positions("专项资金管理办法")
    start = tokens.index(placed[0][1]) - placed[0][0]
    assert all(tokens[start + pos] == word for pos, word in placed)


def test_userdict_file_is_read_with_comments_and_frequencies(tmp_path: Path) -> None:
    path = tmp_path / "dict.txt"
    path.write_text("# 注释\n政務服務 100\n\n一网通办\n", encoding="utf-8")
    assert segment.read_userdict(path) == [("政务服务", 100), ("一网通办", None)]
    assert len(segment.read_userdict()) > 100


def test_add_words() -> None:
    segment.add_words(["测试市甲乙局"])
    assert "测试市甲乙局" in segment.words("测试市甲乙局发布通知")


def test_fast_index_path_keeps_symbols_inside_words_and_drops_them_alone() -> None:
    # the indexing fast path turns punctuation into spaces before cutting; it must give the very
    # tokens the word-by-word rule gives (a letter, digit or Han character kept, nothing else)
    text = "增长１２．５％，其中-3.2%；2023-2025年 c++ Ａ＿Ｂ _ -- ._ &&& 640100-141/2023-00003\u3000政務"
    tokens = segment.index_tokens(text)
    assert tokens == [
        "增长", "12.5%", "其中", "3.2%", "2023-2025", "年", "c++", "a_b", "640100-141",
        "2023-00003", "政务",
    ]  # fmt: skip
    assert segment.index_text(text).split() == tokens
    cut = [t for t in segment._jieba().cut_for_search(segment.normalize(text)) if segment._keep(t)]
    assert tokens == cut


def test_pairs_are_the_neighbouring_words_of_the_plain_cut() -> None:
    text = "各区县要保障交通运输，落实放管服改革。增长１２．５％ -- &&& 政務公開"
    tokens, pairs = segment.index_text_and_pairs(text)
    assert tokens == segment.index_text(text)
    words = segment.words(text)  # the query side's words: punctuation dropped, no gaps
    assert pairs.split() == [f"{a}/{b}" for a, b in pairwise(words)]
    assert "保障/交通运输" in pairs.split() and "交通运输/落实" in pairs.split()
    assert segment.phrase_pairs(segment.words("保障交通运输")) == ["保障/交通运输"]
    assert segment.index_pairs("政务") == "" and segment.phrase_pairs(["政务"]) == []


def test_one_cut_with_remembered_parts_is_jiebas_search_mode() -> None:
    # the index tokens come from one plain cut and each word's remembered parts: they must be
    # exactly jieba's own search mode, for text with and without symbols inside words
    texts = [
        "各区县人民政府要落实放管服改革，推进一网通办和政府信息公开条例，专项资金管理办法。",
        "宁政办发〔2024〕12号 640100-141/2024-000123 中华人民共和国国务院办公厅",
        "1.3c x_yb ay.c z-yz1cz 5g covid-19 a+b 50% 臺灣資訊 政務公開 ＡＢ１２３",
    ]
    jieba = segment._jieba()
    for text in texts:
        clean = segment.normalize(segment._NOT_WORD.sub(" ", text))
        expected = [t for t in jieba.cut_for_search(clean) if segment._keep(t)]
        assert segment.index_tokens(text) == expected, text
        assert segment.index_text(text) == segment.index_text_and_pairs(text)[0]


def test_new_words_reach_text_indexed_before() -> None:
    segment.add_words(["靛蓿犸觚"])
    assert segment.index_tokens("靛蓿犸觚") == ["靛蓿犸觚"]  # cut whole, its parts remembered
    segment.add_words(["蓿犸"])  # now a part of that word: the remembered parts are stale
    assert segment.index_tokens("靛蓿犸觚") == ["蓿犸", "靛蓿犸觚"]
    assert segment.index_tokens("靛蓿犸觚") == segment._jieba().cut_for_search("靛蓿犸觚")
