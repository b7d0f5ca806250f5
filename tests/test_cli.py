"""`python -m promo_core report` on the shared real files, on a workspace dataset and on bad input:
the report is written, or nothing is written and the exit status and message say why."""
import io
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from promo_core import cli, report
from promo_core.io import load_transactions
from promo_core.profile import business_profile
from promo_core.store import Workspace
from tests.conftest import chinese_error

ROOT = Path(__file__).resolve().parents[1]


class Headings(HTMLParser):
    def __init__(self, document):
        super().__init__()
        self.current, self.found, self.cells = None, {"h1": [], "h2": [], "li": []}, []
        self.feed(document)

    def handle_starttag(self, tag, attrs):
        self.current = tag

    def handle_data(self, data):
        if self.current in self.found:
            self.found[self.current].append(data.strip())
        elif self.current == "td":
            self.cells.append(data.strip())


def test_module_entry_point_writes_an_html_report_of_the_online_retail_sample(shared_data, tmp_path):
    out = tmp_path / "weekly report.html"
    done = subprocess.run([sys.executable, "-m", "promo_core", "report", "--data",
                           str(shared_data / "online_retail_sample.xlsx"), "--out", str(out), "--title", "Monday"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"Wrote {out}" in done.stdout and "of 40,000 lines" in done.stdout
    page = Headings(out.read_text(encoding="utf-8"))
    assert page.found["h1"] == ["Monday"]
    assert "1. Business profile — online_retail_sample.xlsx" in page.found["h2"]
    titles = [h.split(". ", 1)[1] for h in page.found["h2"] if ". " in h]
    # a sales file supports every analysis of the transactions; campaign and network need their own tables
    assert titles[1:] == [step.name_en for step in report.STANDARD_STEPS if not step.needs]
    assert "Coupon campaign results skipped: the data has no campaign table." in page.found["li"]
    expected = business_profile(load_transactions(shared_data / "online_retail_sample.xlsx").data)
    assert f"{expected.orders:,}" in page.cells and f"£{expected.revenue:,.2f}" in page.cells
    assert "40,000 rows read from online_retail_sample.xlsx: 40,000 loaded, 0 quarantined." in page.found["li"]


def test_groceries_workbook_in_chinese_with_yuan(shared_data, tmp_path, capsys):
    out = tmp_path / "groceries.xlsx"
    code = cli.main(["report", "--data", str(shared_data / "groceries.csv"), "--out", str(out), "--lang", "zh",
                     "--currency", "¥", "--quiet"])
    assert code == 0 and capsys.readouterr().err == ""
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "目录"
    assert "1.1 关键指标" in book.sheetnames and "1.2 每周销售" in book.sheetnames
    headline = dict(list(book["1.1 关键指标"].values)[1:])
    assert headline["订单行数"] == "3.88万"  # 38,765 item rows, in the Chinese way of counting


def test_a_file_that_is_not_sales_data_exits_2_with_the_reason(shared_data, tmp_path, capsys):
    out = tmp_path / "r.html"
    code = cli.main(["report", "--data", str(shared_data / "README.md"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "PromoLens: README.md has no column we recognise as the order date" in err
    assert "Traceback" not in err and not out.exists()


def test_a_chinese_report_job_explains_bad_input_in_chinese(shared_data, tmp_path, capsys):
    code = cli.main(["report", "--data", str(shared_data / "README.md"), "--out", str(tmp_path / "r.html"),
                     "--lang", "zh"])
    assert code == 2
    assert "PromoLens: README.md 中没有能识别为下单日期的列" in capsys.readouterr().err


def test_bad_input_leaves_an_earlier_report_untouched(tmp_path, capsys):
    bad = tmp_path / "sales.csv"
    bad.write_text("InvoiceNo,InvoiceDate,StockCode,Quantity\n", encoding="utf-8")
    out = tmp_path / "r.html"
    out.write_text("last week's report", encoding="utf-8")
    assert cli.main(["report", "--data", str(bad), "--out", str(out)]) == 2
    assert "has a header row but no data rows" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "last week's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "sales.csv"]  # no temporary file left


@pytest.mark.parametrize("args, message", [
    (["--data", "missing.csv", "--out", "r.html"], "File not found: missing.csv"),
    (["--data", "x.csv", "--out", "r.pdf"], "--out must end in .html or .xlsx"),
    (["--data", "x.csv", "--out", "no/such/folder/r.html"], "does not exist"),
    (["--data", "Some dataset", "--out", "r.html"], "'Some dataset' is not a file, and there is no workspace"),
])
def test_bad_arguments_exit_2_with_a_message(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PROMO_WORKSPACE", str(tmp_path / "none" / "promo.duckdb"))
    assert cli.main(["report", *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "none").exists()  # looking up a dataset never creates a workspace


def test_missing_option_exits_2_with_usage(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["report", "--data", "x.csv"])
    assert stop.value.code == 2 and "--out" in capsys.readouterr().err


@pytest.fixture(scope="module")
def groceries_workspace(shared_data, tmp_path_factory):
    """A workspace holding the Groceries file as the app's Data page would save it, and its id."""
    loaded = load_transactions(shared_data / "groceries.csv")
    ws = Workspace(tmp_path_factory.mktemp("cli-ws") / "promo.duckdb")
    dataset = ws.save_dataset("Groceries 2015", {"transactions": loaded.data, "quarantine": loaded.quarantine},
                              source="groceries.csv", rows_in=loaded.rows_in, mapping=loaded.mapping,
                              report=loaded.report)
    return ws.path, dataset


def test_a_dataset_of_the_workspace_by_name(groceries_workspace, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PROMO_WORKSPACE", str(groceries_workspace[0]))
    out = tmp_path / "g.html"
    assert cli.main(["report", "--data", "groceries 2015", "--out", str(out), "--max-rows", "5"]) == 0
    page = Headings(out.read_text(encoding="utf-8"))
    assert "1. Business profile — Groceries 2015" in page.found["h2"]
    assert "38,765 rows read from Groceries 2015: 38,765 loaded, 0 quarantined." in page.found["li"]
    captured = capsys.readouterr()
    assert "Reading groceries 2015" in captured.err and "Wrote" in captured.out


def test_a_dataset_of_the_workspace_by_id(groceries_workspace, tmp_path, capsys):
    path, dataset = groceries_workspace
    out = tmp_path / "g.xlsx"
    assert cli.main(["report", "--data", dataset, "--out", str(out), "--workspace", str(path), "--quiet"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Contents"


def test_a_dataset_with_a_campaign_table_gets_the_campaign_results(demo, groceries_workspace, tmp_path):
    """The workspace dataset's extra tables reach the standard analyses: a campaign its results, a
    few reviews the voice of the customer."""
    path, dataset = groceries_workspace
    Workspace(path).add_table(dataset, "campaign", demo.campaign)
    Workspace(path).add_table(dataset, "reviews", pd.DataFrame({
        "review": ["Milk went sour two days early, poor quality.", "牛奶很新鲜，很满意。", "Fresh and cheap."] * 4,
        "product_id": ["whole milk", "whole milk", "rolls/buns"] * 4}))
    out = tmp_path / "campaign.xlsx"
    assert cli.main(["report", "--data", dataset, "--out", str(out), "--workspace", str(path), "--quiet"]) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    contents = sheets["Contents"]
    sheet = contents.loc[contents["Table"] == "Lifts against control", "Sheet"].iloc[0]
    lifts = sheets[sheet].set_index(["outcome", "arm"])
    rates = demo.campaign.groupby("arm")["converted"].mean()
    for arm in ("control", "coupon_5", "coupon_10"):
        assert lifts.loc[("converted", arm), "mean"] == pytest.approx(rates[arm], abs=1e-12)
    assert "Targeting models (converted)" in contents["Table"].tolist()
    aspects = sheets[contents.loc[contents["Table"] == "Aspects", "Sheet"].iloc[0]].set_index("aspect")
    assert aspects.at["quality", "negative_texts"] == 4 and aspects["texts"].sum() >= 4


def test_an_unknown_dataset_name_lists_the_datasets(groceries_workspace, tmp_path, capsys):
    assert cli.main(["report", "--data", "Autumn", "--out", str(tmp_path / "r.html"),
                     "--workspace", str(groceries_workspace[0])]) == 2
    assert ("'Autumn' is neither a file nor a dataset in the workspace" in (err := capsys.readouterr().err)
            and "Datasets there: 'Groceries 2015'." in err)


def test_datasets_command_lists_the_workspace(groceries_workspace, capsys):
    assert cli.main(["datasets", "--workspace", str(groceries_workspace[0])]) == 0
    out = capsys.readouterr().out
    assert "Groceries 2015" in out and groceries_workspace[1] in out and "38765" in out


def test_an_unexpected_error_exits_1_with_the_details(shared_data, tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(report, "standard_analyses", broken)
    out = tmp_path / "r.html"
    assert cli.main(["report", "--data", str(shared_data / "groceries.csv"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "unexpected error (RuntimeError: disk on fire)" in err and "Traceback" in err
    assert not out.exists()


def write_sales(path: Path, solo_price: float | None = 4.99) -> Path:
    """A small sales CSV: 30 weeks of three products in Alpha whose prices move and, unless
    ``solo_price`` is None, one product in Solo that always sells at ``solo_price``."""
    products = {"A1": [3.0, 3.5, 2.5], "A2": [5.0, 4.5], "A3": [7.0, 6.0, 6.5]}
    if solo_price is not None:
        products["S1"] = [solo_price]
    rows = [{"order_id": f"o{w}-{p}", "customer_id": f"c{w % 7}",
             "order_date": f"{pd.Timestamp('2024-01-03') + pd.Timedelta(days=7 * w):%Y-%m-%d}", "product_id": p,
             "category": "Solo" if p == "S1" else "Alpha", "quantity": 1 + (w + i) % 4,
             "unit_price": prices[w % len(prices)]}
            for w in range(30) for i, (p, prices) in enumerate(products.items())]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_a_product_at_one_price_is_reported_not_estimable_and_the_job_exits_0(tmp_path):
    out = tmp_path / "r.xlsx"
    assert cli.main(["report", "--data", str(write_sales(tmp_path / "s.csv")), "--out", str(out), "--quiet"]) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    contents = sheets["Contents"]
    elasticities = sheets[contents.loc[contents["Table"] == "Elasticities", "Sheet"].iloc[0]].set_index("category")
    assert not elasticities.loc["Solo", "reliable"] and pd.isna(elasticities.loc["Solo", "elasticity"])
    assert elasticities.loc["Solo", "reason"].startswith("The price never changed")


def test_a_failing_analysis_is_skipped_with_its_reason_and_the_traceback_goes_to_the_log(tmp_path, monkeypatch,
                                                                                         capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("SELECT * FROM tx_secret -- /srv/promolens/ws.duckdb")

    monkeypatch.setattr(report, "STANDARD_STEPS", [report.StandardStep("pricing", broken)])
    out = tmp_path / "r.html"
    assert cli.main(["report", "--data", str(write_sales(tmp_path / "s.csv")), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    incident = re.search(r"Price sensitivity skipped: it failed on this data in a way PromoLens did not foresee "
                         r"\(incident ([0-9a-f]{8})\)", err).group(1)
    assert f"PromoLens log: incident {incident}: the analysis 'Price sensitivity' failed\nTraceback" in err
    assert "tx_secret" in err  # the job's log has the whole story ...
    document = out.read_text(encoding="utf-8")
    assert f"(incident {incident})" in document and "tx_secret" not in document  # ... the reader only the reference


def test_a_quiet_job_still_logs_the_traceback_of_a_failing_analysis(tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(report, "STANDARD_STEPS", [report.StandardStep("forecast", broken)])
    out = tmp_path / "r.xlsx"
    assert cli.main(["report", "--data", str(write_sales(tmp_path / "s.csv", None)), "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("PromoLens log: incident ") and "ZeroDivisionError: division by zero" in err


def test_cli_report_equals_the_library_report(shared_data, tmp_path):
    """The workbook the command line writes holds the same tables as the library builds."""
    out = tmp_path / "r.xlsx"
    assert cli.main(["report", "--data", str(shared_data / "groceries.csv"), "--out", str(out), "--quiet"]) == 0
    loaded = load_transactions(shared_data / "groceries.csv")
    analyses, _ = report.standard_analyses(loaded.data, source="groceries.csv", load_report=loaded.report,
                                           quarantine=loaded.quarantine)
    expected = report.excel_sheets(analyses)
    written = pd.read_excel(io.BytesIO(out.read_bytes()), sheet_name=None)
    assert list(written) == list(expected)
    assert len(written["1.2 Weekly sales"]) == len(expected["1.2 Weekly sales"])


def test_errors_read_in_chinese_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    for _ in range(2):
        ws.save_dataset("Shop", {"transactions": pd.DataFrame({"order_id": pd.Series([], dtype=str)})})
    empty = ws.save_dataset("Empty", {"transactions": pd.DataFrame({"order_id": pd.Series([], dtype=str)})})

    def report(data, out="r.html", *more):
        return lambda: cli.run_report(cli._parser().parse_args(["report", "--data", data, "--out", out,
                                                                "--workspace", str(path), "--quiet", *more]))
    calls = [report("x.csv", "r.pdf"), report("x.csv", "no/such/folder/r.html"), report("x.csv", "r.html",
                                                                                         "--max-rows", "0"),
             report("missing.csv"), report("Autumn"), report("Shop"), report(empty),
             lambda: cli._load("Some dataset", None, tmp_path / "none.duckdb")]
    for call in calls:
        chinese_error(call)


def test_a_workspace_dataset_with_events_gets_the_journeys_section(demo_workspace, tmp_path, monkeypatch):
    """The command line reads a dataset's events where they are (``report.dataset_inputs``: an Ibis
    table of the workspace) and writes the Journeys section (only that step here, for speed)."""
    from promo_core.analyses import journeys as analysis

    monkeypatch.setattr(report, "STANDARD_STEPS", [s for s in report.STANDARD_STEPS if s.key == "journeys"])
    ws = Workspace(demo_workspace)
    dataset = ws.list_datasets()["id"].iloc[0]
    out = tmp_path / "journeys.html"
    assert cli.main(["report", "--data", dataset, "--out", str(out), "--workspace", str(demo_workspace),
                     "--quiet"]) == 0
    page = Headings(out.read_text(encoding="utf-8"))
    assert "2. Journeys" in page.found["h2"]
    with ws.ibis_table(dataset, "events") as events:
        sessions = analysis.run(events, analysis.Params(parts=frozenset())).n_sessions
    assert f"{sessions:,}" in page.cells
