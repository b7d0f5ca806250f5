"""Marketing spend as a dataset's table (``io.load_spend_into``, the events' loader): a file with
Chinese headers is mapped to the shape the Marketing ROI page reads, a bad row is set aside with its
reason as a code (rows in file = loaded + set aside), and a file uploaded on the Data page becomes
the Marketing ROI page's spend, read again though the dataset's sales did not change."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core import io
from promo_core.analyses import marketing
from promo_core.errors import DataError
from promo_core.store import Workspace
from tests.conftest import page_text, reasons

SALES = pd.DataFrame({"order_id": ["O1", "O2"], "customer_id": ["C1", "C2"],
                      "order_date": ["2024-01-02", "2024-01-09"], "product_id": ["P1", "P2"],
                      "quantity": [1, 2], "unit_price": [3.0, 4.0]})


def _spend_csv(weeks: int = 40, channels: tuple[str, str] = ("搜索", "社交")) -> str:
    """Weekly spend in two channels (搜索 worth 3 per 1 spent, 社交 worth 1) with the week's revenue on
    each of its rows, Chinese headers, money written as shops export it, and one row whose spend is
    not a number (the last)."""
    rng = np.random.default_rng(7)
    lines = ["周,渠道,花费,点击量,销售额,节假日"]
    for w in range(weeks):
        week = (pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=w)).strftime("%Y/%m/%d")
        search, social = rng.uniform(500, 1500), rng.uniform(200, 2000)
        revenue = 20000 + 3 * search + social + rng.normal(0, 100)
        lines += [f"{week},{channels[0]},¥{search:.2f},{int(search // 3)},{revenue:.2f},{int(w % 13 == 0)}",
                  f"{week},{channels[1]},{social:.2f},{int(social // 5)},{revenue:.2f},{int(w % 13 == 0)}"]
    lines.append(f"2024/01/01,{channels[1]},n/a,0,20000,0")
    return "\n".join(lines) + "\n"


def test_a_chinese_headed_spend_file_is_mapped_and_a_bad_row_set_aside(tmp_path):
    ws = Workspace(tmp_path / "promo.duckdb")
    (tmp_path / "sales.csv").write_text(SALES.to_csv(index=False))
    dataset = io.load_into(ws, tmp_path / "sales.csv")
    (tmp_path / "花费.csv").write_text(_spend_csv(), encoding="utf-8")
    report = io.load_spend_into(ws, dataset, tmp_path / "花费.csv")
    assert report["mapping"] == {"week": "周", "channel": "渠道", "spend": "花费", "clicks": "点击量",
                                 "revenue": "销售额", "holiday": "节假日"}
    assert (report["rows_in"], report["rows_loaded"], report["rows_quarantined"]) == (81, 80, 1)
    spend = ws.load_table(dataset, "spend")
    assert list(spend.columns) == ["week", "channel", "spend", "clicks", "revenue", "holiday"]
    assert spend["week"].iloc[0] == pd.Timestamp("2024-01-01") and spend["week"].nunique() == 40
    assert sorted(spend["channel"].unique()) == ["搜索", "社交"]
    assert spend["spend"].iloc[0] == float(_spend_csv().splitlines()[1].split(",")[2].lstrip("¥"))
    quarantine = ws.load_table(dataset, "spend_quarantine")
    assert quarantine["row"].tolist() == [81] and quarantine["reason"].tolist() == ["spend_not_number"]
    assert reasons(quarantine) == ["spend “n/a” is not a number"]
    assert reasons(quarantine, "zh") == ["花费“n/a”不是数字"]
    assert "spend" in ws.dataset(dataset)["report"]["table_versions"]
    # the stored table is what the Marketing ROI analysis reads by default (its Params' column names)
    data = marketing.read_spend(None, marketing.Params(spend=marketing.Spend(spend, "k"), controls=("holiday",)))
    assert list(data.spend.columns) == ["搜索", "社交"] and len(data.kpi) == 40


def test_a_spend_file_without_a_channel_is_refused_saying_what_is_missing(tmp_path):
    ws = Workspace(tmp_path / "promo.duckdb")
    (tmp_path / "sales.csv").write_text(SALES.to_csv(index=False))
    dataset = io.load_into(ws, tmp_path / "sales.csv")
    (tmp_path / "spend.csv").write_text("week,cost\n2024-01-01,5\n")
    with pytest.raises(DataError) as error:
        io.load_spend_into(ws, dataset, tmp_path / "spend.csv")
    assert error.value.id == "spend.error.columns" and error.value.message.values["missing"] == ["channel"]
    assert "spend" not in ws.dataset(dataset)["tables"] or ws.dataset(dataset)["report"].get("spend") is None


def test_spend_uploaded_on_the_data_page_is_the_marketing_pages_spend(app_page, own_workspace):
    at = app_page()
    uploader = next(u for u in at.get("file_uploader") if u.key == "spend-upload-0")
    uploader.set_value(("花费.csv", _spend_csv().encode(), "text/csv")).run()
    assert not at.exception, at.exception
    text = page_text(at)
    assert "80 rows of marketing spend from 花费.csv" in text
    assert {m.label: m.value for m in at.metric}["Spend rows kept"] == "80"
    set_aside = next(df.value for df in at.dataframe if "rows" in df.value.columns and "reason" in df.value.columns)
    assert set_aside["reason"].tolist() == ["the spend is empty or not a number"] and set_aside["rows"].tolist() == [1]
    at.switch_page("pages/marketing.py")
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    channels = next(df.value for df in at.dataframe if "roas_low" in df.value.columns)
    assert sorted(channels["channel"]) == ["搜索", "社交"], "the uploaded spend, not the demo's five channels"
    # a new upload replaces the spend: the page reads it again (the table's own version), though
    # the dataset's sales, and so the dataset's version, did not change
    at.switch_page("pages/data.py")
    at.run()
    uploader = next(u for u in at.get("file_uploader") if u.key == "spend-upload-0")
    uploader.set_value(("spend-2.csv", _spend_csv(channels=("search", "tv")).encode(), "text/csv")).run()
    assert not at.exception, at.exception
    at.switch_page("pages/marketing.py")
    at.run()
    assert not at.exception, at.exception
    channels = next(df.value for df in at.dataframe if "roas_low" in df.value.columns)
    assert sorted(channels["channel"]) == ["search", "tv"]


def test_in_privacy_mode_no_value_of_the_file_is_quoted_and_unused_columns_stay_out(tmp_path):
    from promo_core.privacy import Privacy

    ws = Workspace(tmp_path / "promo.duckdb")
    (tmp_path / "sales.csv").write_text(SALES.to_csv(index=False))
    dataset = io.load_into(ws, tmp_path / "sales.csv")
    rows = [line.split(",") for line in _spend_csv(weeks=3).splitlines()]
    owners = ["负责人邮箱"] + ["boss@shop.com"] * 7  # (a column no role uses, holding personal data)
    lines = [",".join(row[:3] + [owner] + row[3:]) for row, owner in zip(rows, owners)]
    (tmp_path / "spend.csv").write_text("\n".join(lines) + "\n")
    report = io.load_spend_into(ws, dataset, tmp_path / "spend.csv", privacy=Privacy(key=b"k" * 32))
    assert (report["rows_in"], report["rows_loaded"], report["rows_quarantined"]) == (7, 6, 1)
    quarantine = ws.load_table(dataset, "spend_quarantine")
    assert quarantine["reason"].tolist() == ["spend_not_number"] and quarantine["reason_values"].isna().all()
    assert "负责人邮箱" not in ws.load_table(dataset, "spend").columns  # (a column used for no role is not kept)


def test_the_chosen_columns_win_over_the_recognised_ones():
    from promo_core import spend

    columns = ["Week", "Channel", "Cost", "Clicks", "Sales", "Promo week"]
    assert spend.map_columns(columns) == {"week": "Week", "channel": "Channel", "spend": "Cost", "clicks": "Clicks",
                                          "revenue": "Sales"}
    chosen = spend.map_columns(columns, {"revenue": None, "holiday": "Promo week", "spend": "Cost"})
    assert chosen == {"week": "Week", "channel": "Channel", "spend": "Cost", "clicks": "Clicks",
                      "holiday": "Promo week"}
    with pytest.raises(DataError) as error:
        spend.map_columns(columns, {"spend": "Budget"})
    assert error.value.id == "spend.error.mapped_column"


def test_a_region_column_headed_in_chinese_is_the_spend_region_and_an_empty_one_is_national(tmp_path):
    ws = Workspace(tmp_path / "promo.duckdb")
    (tmp_path / "sales.csv").write_text(SALES.to_csv(index=False))
    dataset = io.load_into(ws, tmp_path / "sales.csv")
    (tmp_path / "spend.csv").write_text("周,渠道,地区,花费\n2024-01-01,搜索, 华东 ,10\n2024-01-01,电视,,100\n",
                                        encoding="utf-8")
    report = io.load_spend_into(ws, dataset, tmp_path / "spend.csv")
    assert report["mapping"] == {"week": "周", "channel": "渠道", "region": "地区", "spend": "花费"}
    spend = ws.load_table(dataset, "spend")
    assert list(spend.columns) == ["week", "channel", "region", "spend"]
    assert spend["region"].iloc[0] == "华东" and pd.isna(spend["region"].iloc[1])  # (trimmed; empty: national)
