"""The catalogue (promo_core.text): every id the code names has English, Chinese lacks none of
English's ids, a language missing an id reads it in English, a new language is one file, and the
format specs say amounts, shares and dates the reader's way."""
from __future__ import annotations

import ast
import re
import types
from pathlib import Path

import pandas as pd
import pytest

from promo_core import text
from promo_core.errors import DataError
from promo_core.text import Message, render

ROOT = Path(__file__).resolve().parents[1]


def test_chinese_has_every_id_english_has():
    assert text.missing_keys("zh") == []


def test_no_catalogue_file_defines_an_id_twice():
    # (a dict literal keeps the last of two equal keys without a word: the first text would be lost)
    for path in Path(text.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                twice = sorted({k for k in keys if keys.count(k) > 1})
                assert not twice, f"{path.name} defines {twice} twice"


def test_every_language_has_a_name_and_english_comes_first():
    assert list(text.LANGUAGES)[0] == "en" and text.LANGUAGES["zh"] == "简体中文"


def test_an_id_a_language_lacks_reads_in_english(monkeypatch):
    partial = {k: v for k, v in text.catalogue("zh").items() if k != "segments.metric.active"}
    monkeypatch.setitem(text._CATALOGUES, "zh", types.SimpleNamespace(NAME="简体中文", MESSAGES=partial))
    assert render("segments.metric.active", "zh") == "Probably still active"
    assert render("segments.metric.customers", "zh") == "客户数"
    assert text.missing_keys("zh") == ["segments.metric.active"]


def test_a_third_language_is_one_file(tmp_path, monkeypatch):
    (tmp_path / "fr.py").write_text('NAME = "Français"\nMESSAGES = {"segments.title": "Segments de clients"}\n',
                                    encoding="utf-8")
    monkeypatch.setattr(text, "__path__", [*text.__path__, str(tmp_path)])
    found = text._load_catalogues()
    assert set(found) == {"en", "zh", "fr"}
    monkeypatch.setitem(text._CATALOGUES, "fr", found["fr"])
    assert render("segments.title", "fr") == "Segments de clients"
    assert render("segments.tab.rfm", "fr") == "RFM segments"  # not translated yet: English


def _ids_in_code() -> tuple[set[str], set[str]]:
    """The message ids the code names: literal ids (``Message("x")``, ``ui.text("x")`` and the
    pages' and report's short names for it) and the fixed prefixes of ids built with f-strings
    (``Message(f"segment.{s}")``)."""
    literal, prefixes = set(), set()
    files = [*(ROOT / "promo_core").rglob("*.py"), ROOT / "ui.py", *(ROOT / "pages").glob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and len(node.args) == 1):  # (t(en, zh) pairs are not ids)
                continue
            if isinstance(node.func, ast.Attribute):  # ui.text("x"); not exc.text("zh")
                name = node.func.attr if getattr(node.func.value, "id", None) == "ui" else None
            else:
                name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in ("Message", "t", "text", "say"):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                literal.add(first.value)
            elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                prefixes.add(first.values[0].value)
    is_id = re.compile(r"[a-z][a-z_]*\.").match  # ("segments.title"; not a sentence such as cli's say(f"Reading …"))
    return {i for i in literal if is_id(i)}, {p for p in prefixes if is_id(p)}


def test_every_id_the_code_names_has_english_text():
    english = text.catalogue("en")
    literal, prefixes = _ids_in_code()
    assert "segments.title" in literal and "segment_about." in prefixes  # (the scan sees the page and compute)
    assert sorted(i for i in literal if i not in english) == []
    assert sorted(p for p in prefixes if not any(k.startswith(p) for k in english)) == []


def test_every_template_renders_in_both_languages_with_its_own_fields():
    """No template refers to a value its message never gets: every field of the Chinese text is a
    field of the English text."""
    fields = re.compile(r"{(\w+)")
    for key, english in text.catalogue("en").items():
        if key == "error.text":  # (a message written as text carries one value per language)
            continue
        assert set(fields.findall(text.catalogue("zh")[key])) <= set(fields.findall(english)), key


def test_format_specs_read_the_reader_s_way():
    cases = {"{x:money0}": "£1,235", "{x:money}": "£1,234.56", "{x:pct0}": "12%", "{x:pct1}": "12.3%",
             "{x:num}": "1,235", "{x:date}": "2025-03-05", "{x:cap}": "Online shoppers", "{x:lower}": "occasional"}
    values = {"{x:money0}": 1234.56, "{x:money}": 1234.56, "{x:pct0}": 0.123, "{x:pct1}": 0.123, "{x:num}": 1234.56,
              "{x:date}": pd.Timestamp("2025-03-05 14:00"), "{x:cap}": "online shoppers", "{x:lower}": "Occasional"}
    formatter = text._Formatter("en", "£")
    for spec, expected in cases.items():
        assert formatter.vformat(spec, (), {"x": values[spec]}) == expected, spec
    assert text._Formatter("zh", "¥").vformat("{x:money0}", (), {"x": 123456}) == "¥12.35万"
    assert text._Formatter("en", "€").vformat("{x:money0}", (), {"x": -5}) == "-€5"


def test_a_p_value_reads_as_a_bound_when_tiny_never_as_zero():
    formatter = text._Formatter("zh", "¥")
    assert [formatter.vformat("{p:pvalue}", (), {"p": p}) for p in (3e-15, 0.00099, 0.001, 0.0432, 1.0)] == [
        "p < 0.001", "p < 0.001", "p = 0.001", "p = 0.043", "p = 1.000"]


def test_messages_nest_and_sequences_join_in_the_language():
    rule = Message("rule.all", conditions=(Message("rule.frequency.above", lo=7, hi=None),
                                           Message("rule.share.above", lo=0.8, hi=None,
                                                   what=Message("rule.what.channel", name="online"))))
    assert render(rule) == "at least 7 orders and more than 80% of orders online"
    assert render(rule, "zh") == "至少 7 单 且 超过 80%的订单来自online"
    name = Message("cluster.name.two", first=Message("trait.channel", name="store"),
                   second=Message("trait.frequency.low"))
    assert render(name) == "Store shoppers, occasional" and render(name, "zh") == "Store渠道为主、低频"


def test_a_message_is_a_value():
    one, same = Message("segments.note.guest_lines", lines=3), Message("segments.note.guest_lines", lines=3)
    assert one == same and hash(one) == hash(same) and one != Message("segments.note.guest_lines", lines=4)
    with pytest.raises(AttributeError):
        one.id = "other"
    import pickle

    assert pickle.loads(pickle.dumps(one)) == one


def test_render_frame_names_codes_and_words_messages_and_leaves_numbers():
    frame = pd.DataFrame({"segment": ["Champions", None], "channel_type": ["both", "online only"],
                          "description": [Message("segment_about.Lost"), "typed by hand"], "customers": [3, 4]})
    shown = text.render_frame(frame, "zh")
    assert shown["segment"].tolist()[0] == "冠军客户" and pd.isna(shown["segment"].tolist()[1])
    assert shown["channel_type"].tolist() == ["线上线下都买", "仅线上"]
    assert shown["description"].tolist() == ["最近度、频率和消费都最低。", "typed by hand"]
    assert shown["customers"].tolist() == [3, 4] and frame["segment"].tolist()[0] == "Champions"


def test_column_titles_come_from_the_catalogue_and_fall_back_to_the_name():
    assert text.column_title("median_recency_days") == "Median days since last purchase"
    assert text.column_title("median_recency_days", "zh") == "距上次购买天数中位数"
    assert text.column_title("p_value_holm", "zh") == "p 值（Holm 校正）"
    assert text.column_title("some_new_column") == "Some new column"
    assert text.column_title("channel: web") == "channel: web"


def test_chart_labels_gather_a_chart_s_words_with_the_currency():
    labels = text.chart_labels("clv_histogram", "zh", "¥", horizon=6)
    assert labels["title"] == "未来 6 个月终身价值分布" and labels["x"] == "每位客户终身价值（¥）"
    assert labels["money"] == "¥{}"


def test_a_data_error_carries_its_id_and_values_and_reads_in_either_language():
    err = DataError(Message("clv.error.margin", margin=1.5))
    assert err.id == "clv.error.margin" and err.values == {"margin": 1.5}
    assert str(err) == "The margin must be between 0% and 100%; got 150%." == err.text("en")
    assert err.text("zh") == "毛利率必须在 0% 到 100% 之间；当前为 150%。"
    rendered = DataError("Already in the reader's language.")  # (a renderer's own text, e.g. the report's)
    assert rendered.id is None and rendered.text("zh") == rendered.text("en") == "Already in the reader's language."
    with pytest.raises(TypeError):
        DataError("Plain English.", zh="中文。")  # (Chinese lives in the catalogue, not beside the English)
