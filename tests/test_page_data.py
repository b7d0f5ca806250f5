"""The Data page in AppTest: the demo profile, an upload with its quarantine, saving, languages."""
from streamlit.testing.v1 import AppTest

from promo_core.store import Workspace
from tests.conftest import ROOT, page_text

CSV = ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
       "1,A,Tea,2,2024-01-02 10:00,3.50,C1\n2,B,Mug,1,2024-01-03 11:00,8.00,C2\n"
       "3,C,Bad,two,2024-01-03 11:00,1.00,C2\n4,A,Tea,-1,2024-01-05 09:00,3.50,C1\n5,D,Guest,1,2024-01-05 09:00,2.00,\n")


def _first_metrics(at) -> dict:
    """Metric label -> value, the first one shown winning (the upload panel comes before the profile)."""
    out = {}
    for m in at.metric:
        out.setdefault(m.label, m.value)
    return out


QUALITY = "exp-data-quality"  # the data quality expander, drawn only while open


def _app(lang="en", quality_open=True):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = lang
    if quality_open:
        at.session_state[QUALITY] = True
    return at.run()


def test_demo_profile_headlines(own_workspace):
    at = _app()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Customers"] == "19,697"
    assert metrics["Products"] == "500"
    assert metrics["Revenue"].startswith("£")
    assert "demo retailer is generated data" in page_text(at)
    assert at.selectbox(key="dataset_picker").value is not None


def test_upload_shows_mapping_quarantine_and_saves(own_workspace):
    at = _app()
    at.file_uploader[0].set_value(("shop.csv", CSV.encode(), "text/csv")).run()
    assert not at.exception
    metrics = _first_metrics(at)
    assert metrics["Rows in file"] == "5" and metrics["Rows loaded"] == "4" and metrics["Rows quarantined"] == "1"
    assert metrics["Guest lines"] == "1" and metrics["Return lines"] == "1"
    mapping = {s.label: s.value for s in at.selectbox}
    assert mapping["Quantity"] == "Quantity" and mapping["Order date and time *"] == "InvoiceDate"
    assert any("quantity 'two' is not a number" in str(df.value.to_dict()) for df in at.dataframe)
    next(t for t in at.text_input if t.label == "Dataset name").set_value("My shop")
    save = next(b for b in at.button if b.label == "Save to workspace")
    save.click().run()
    assert not at.exception
    assert any("Saved “My shop”" in s.value for s in at.success)
    # (AppTest drops sidebar widgets after a file upload, so the picker is checked in a new session)
    assert "My shop" in Workspace(own_workspace).list_datasets()["name"].tolist()
    assert _first_metrics(at)["Customers"] == "2", "the saved upload becomes the active dataset"


def test_every_step_a_load_tells_moves_the_upload_progress_bar(own_workspace, monkeypatch):
    """Whatever step of a load is told (``data.progress.*`` in the catalogue; a big file tells the
    rows checked as it is read, every load the grouping), the page's progress bar takes it: a step
    it did not know failed the upload."""
    from promo_core import io
    from promo_core.text import Message, catalogue

    steps = sorted(k for k in catalogue("en") if k.startswith("data.progress."))
    real = io.load_into

    def telling_every_step(*args, progress=None, **kwargs):
        for step in steps:
            progress(Message(step, file="shop.csv", mb=1.0, total_mb=2.0, rows=1, total=2))
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(io, "load_into", telling_every_step)
    at = _app()
    at.file_uploader[0].set_value(("shop.csv", CSV.encode(), "text/csv")).run()
    assert not at.exception and len(steps) >= 7
    assert _first_metrics(at)["Rows loaded"] == "4"


def test_garbage_upload_gets_a_message_not_a_traceback(own_workspace):
    at = _app()
    at.file_uploader[0].set_value(("junk.csv", bytes(range(256)) * 50, "text/csv")).run()
    assert not at.exception
    assert any("binary" in e.value for e in at.error)


def test_upload_errors_and_quarantine_reasons_in_chinese(own_workspace):
    at = _app("zh")
    at.file_uploader[0].set_value(("junk.csv", bytes(range(256)) * 50, "text/csv")).run()
    assert not at.exception
    assert any("二进制数据" in e.value for e in at.error)
    at.file_uploader[0].set_value(("shop.csv", CSV.encode(), "text/csv")).run()
    assert not at.exception
    quarantine = next(d.value for d in at.dataframe if "InvoiceNo" in d.value.columns)
    assert quarantine["reason"].tolist() == ["数量 'two' 不是数字"]


def test_reasons_and_notes_read_in_the_interface_language_and_an_old_dataset_s_as_written(own_workspace):
    """A dataset keeps its quarantine reasons as codes and its notes as messages, so they follow the
    language; one saved before that (English text) shows its text as it was written."""
    import pandas as pd

    from promo_core.io import load_transactions

    ws = Workspace(own_workspace)
    loaded = load_transactions(CSV.replace("InvoiceNo,", "Rechnung,").encode())
    new = ws.save_dataset("New", {"transactions": loaded.data, "quarantine": loaded.quarantine},
                          rows_in=loaded.rows_in, report=loaded.report)
    old = ws.save_dataset("Old", {"transactions": loaded.data, "quarantine": pd.DataFrame(
        {"row": [3], "Quantity": ["two"], "reason": ["quantity 'two' is not a number"]})}, rows_in=5,
        report={"notes": ["dates read day first (an old note)"]})
    for dataset, reason, note in [(new, "数量 'two' 不是数字", "没有订单号：同一客户同一天的购买视为一个购物篮"),
                                  (old, "quantity 'two' is not a number", "dates read day first (an old note)")]:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
        at.session_state["lang"], at.session_state["dataset_id"], at.session_state[QUALITY] = "zh", dataset, True
        at.run()
        assert not at.exception
        quarantine = next(d.value for d in at.dataframe if "Quantity" in d.value.columns and "row" in d.value.columns)
        assert quarantine["reason"].tolist() == [reason] and "reason_values" not in quarantine.columns
        counts = next(d.value for d in at.dataframe if list(d.value.columns) == ["reason", "rows"])
        assert counts["rows"].tolist() == [1] and counts["reason"].str.contains("two").sum() == 0
        assert note in [i.value for i in at.info]


def test_saved_data_is_there_after_a_restart(own_workspace):
    at = _app()
    at.file_uploader[0].set_value(("shop.csv", CSV.encode(), "text/csv")).run()
    next(b for b in at.button if b.label == "Save to workspace").click().run()
    restarted = _app()  # a new session on the same workspace file
    assert "shop" in restarted.selectbox(key="dataset_picker").options  # options show the dataset names


def test_chinese_interface(own_workspace):
    at = _app("zh")
    assert not at.exception
    assert at.title[0].value == "数据"
    assert "客户" in {m.label for m in at.metric}


def test_rename_and_delete_a_dataset(own_workspace):
    ws = Workspace(own_workspace)
    extra = ws.save_dataset("Spare", {"transactions": ws.load_table(ws.list_datasets()["id"].iloc[-1]).head(50)})
    at = _app()
    at.selectbox(key="manage-target").select(extra).run()
    at.text_input(key=f"rename-{extra}").input("Spare renamed").run()
    at.button(key="rename-btn").click().run()
    assert "Spare renamed" in ws.list_datasets()["name"].tolist()
    at.checkbox(key="delete-confirm").check().run()
    at.button(key="delete-btn").click().run()
    assert not at.exception
    assert extra not in ws.list_datasets()["id"].tolist()


def test_an_upload_that_breaks_the_reader_gets_an_apology_not_its_internals(own_workspace, monkeypatch):
    from promo_core import io

    def broken(*args, **kwargs):
        raise RuntimeError("SELECT * FROM read_csv('/srv/promolens/uploads/tx_secret.csv')")

    monkeypatch.setattr(io, "load_into", broken)
    at = _app()
    at.file_uploader[0].set_value(("odd.csv", CSV.encode() + b"6,E,Odd,1,2024-01-06 09:00,1.00,C3\n",
                                   "text/csv")).run()
    assert not at.exception, at.exception
    assert any(e.value.startswith("Sorry, something went wrong while computing this (incident ") for e in at.error)
    assert "tx_secret" not in page_text(at)


def test_parquet_on_the_server_is_used_in_place_and_a_path_outside_the_shared_folders_is_refused(
        own_workspace, tmp_path, monkeypatch):
    import pandas as pd

    shared = tmp_path / "shared"
    shared.mkdir()
    pd.DataFrame({"InvoiceNo": ["1", "2"], "StockCode": ["A", "B"], "Quantity": [2, 1],
                  "InvoiceDate": pd.to_datetime(["2024-01-02", "2024-01-03"]), "UnitPrice": [1.5, 3.0],
                  "CustomerID": ["c1", "c2"]}).to_parquet(shared / "sales.parquet")
    (tmp_path / "secret.parquet").write_bytes((shared / "sales.parquet").read_bytes())
    monkeypatch.setenv("PROMO_DATA_FOLDERS", str(shared))
    monkeypatch.setenv("PROMO_PRIVACY", "off")
    at = _app()
    at.text_input(key="in-place-path").set_value(str(tmp_path / "secret.parquet")).run()
    at.button(key="in-place-go").click().run()
    assert not at.exception
    assert any("not inside a folder this server shares" in e.value for e in at.error)
    at.text_input(key="in-place-path").set_value(str(shared / "sales.parquet")).run()
    at.button(key="in-place-go").click().run()
    assert not at.exception
    datasets = Workspace(own_workspace).list_datasets()
    assert datasets.iloc[0]["kind"] == "in place" and datasets.iloc[0]["n_rows"] == 2
    assert _first_metrics(at)["Customers"] == "2", "the data in place becomes the active dataset"


def test_the_demo_profile_shows_the_recorded_numbers_and_a_rerun_reads_nothing_again(own_workspace, monkeypatch):
    """The page's metrics are the profile recorded before the migration (tests/golden/datareports_demo.json);
    a rerun (an expander, a language switch) neither reads a table whole nor profiles again."""
    import json

    from promo_core.analyses import data
    from tests.conftest import count_calls

    golden = json.loads((ROOT / "tests" / "golden" / "datareports_demo.json").read_text(encoding="utf-8"))
    numbers = golden["profile_workspace"]["numbers"]
    loads = count_calls(monkeypatch, Workspace, "load_table", lambda self, *args, **kwargs: args)
    at = _app()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Revenue"] == f"£{numbers['revenue']:,.0f}" and metrics["Orders"] == f"{numbers['orders']:,.0f}"
    assert metrics["Average order value"] == f"£{numbers['avg_order_value']:,.2f}"
    assert metrics["Return lines"] == f"{round(numbers['returns_share'] * numbers['lines']):,}"
    assert f"{numbers['lines']:,.0f} lines from 25 Nov 2024 to 22 Nov 2026" in page_text(at)
    assert any("No rows were rejected." in s.value for s in at.success)
    runs = count_calls(monkeypatch, data, "run")
    quarantines = count_calls(monkeypatch, data, "dataset_quarantine")
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert "收入" in {m.label for m in at.metric} and runs == [] and quarantines == [] and loads == []


def test_the_profile_tables_and_the_quality_panel_are_drawn_only_while_open(own_workspace):
    """What a language switch redraws: the profile's tables and the quality panel are sent only
    while their expanders are open, and stay open in Chinese."""
    at = _app(quality_open=False)
    closed = len(at.dataframe)
    assert not any("No rows were rejected." in s.value for s in at.success)
    at.session_state["exp-data-tables"], at.session_state[QUALITY] = True, True
    at.run()
    assert len(at.dataframe) == closed + 2 and any("No rows were rejected." in s.value for s in at.success)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception and len(at.dataframe) == closed + 2


def test_a_saved_upload_counts_its_quarantine_by_reason_in_the_workspace(own_workspace, monkeypatch):
    from tests.conftest import count_calls

    at = _app()
    at.file_uploader[0].set_value(("shop.csv", (CSV + "6,E,Bad,three,2024-01-06 09:00,1.00,C3\n").encode(),
                                   "text/csv")).run()
    next(t for t in at.text_input if t.label == "Dataset name").set_value("My shop")
    next(b for b in at.button if b.label == "Save to workspace").click().run()
    loads = count_calls(monkeypatch, Workspace, "load_table", lambda self, *args, **kwargs: args)
    at = _app()  # a new session on the saved upload (the active dataset is the newest)
    assert not at.exception and loads == []
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Customers"] == "2" and metrics["Quarantined"] == "2"
    reasons = next(d.value for d in at.dataframe if list(d.value.columns) == ["reason", "rows"])
    assert reasons.to_dict("list") == {"reason": ["quantity is not a number"], "rows": [2]}
