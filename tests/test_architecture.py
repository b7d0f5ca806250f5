"""House rules that are cheap to check mechanically."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_promo_core_never_imports_streamlit():
    offenders = []
    for path in (ROOT / "promo_core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert not offenders, offenders


def test_every_page_file_is_routed_by_the_app():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    pages = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
    assert pages, "no pages"
    missing = [p for p in pages if f"pages/{p}" not in app]
    assert not missing, f"pages not in st.navigation: {missing}"


def test_upload_limit_is_at_least_a_gigabyte():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] >= 1024


# --- the analyses' shape (issue 15): pages -> Params -> ui.run_analysis -> render the Result ---------
# Pages and modules moved to it so far; each rule below holds for them and must keep holding.
MIGRATED_PAGES = ["segments.py", "recommendations.py", "logistics.py", "pricing.py", "coupons.py", "data.py",
                  "marketing.py", "voice.py", "journeys.py"]
MIGRATED_MODULES = ["segments.py", "clv.py", "dates.py", "retention.py", *(f"analyses/{p.name}" for p in
                                                         (ROOT / "promo_core" / "analyses").glob("*.py")),
                    "recommend.py", "basket.py", "forecast.py", "inventory.py", "logistics.py",
                    "pricing.py", "promotions.py", "dynamic_pricing.py",
                    "experiments.py", "uplift.py", "targeting.py", "loyalty.py", "mmm.py", "journeys.py",
                    "io.py", "store.py", "auth.py"]
# Who may turn messages into words: the interface, the report, the command line and DataError.text
# (for modules not yet migrated).
RENDERERS = {"ui.py", "promo_core/report.py", "promo_core/cli.py", "promo_core/errors.py"}
SQL = re.compile(r"\bSELECT\b[\s\S]*\bFROM\b|\bGROUP BY\b|\bCREATE (OR REPLACE )?TABLE\b|\bINSERT INTO\b|\bJOIN\b")
FRAME_MATH = {"groupby", "merge", "agg", "aggregate", "pivot", "pivot_table", "resample", "sum", "mean",
              "median", "quantile", "value_counts", "cumsum", "rolling", "load_table", "require_transactions",
              "cache_data"}


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.AST) -> list[tuple[str, str]]:
    """(module, name) of every import: ``import a.b`` gives ("a.b", ""), ``from a import b`` ("a", "b")."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [(node.module or "", a.name) for a in node.names]
    return found


def test_no_page_holds_sql():
    offenders = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        offenders += [f"{path.name}: SQL {node.value[:40]!r}" for node in ast.walk(_tree(path))
                      if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value)]
    assert not offenders, offenders


def test_migrated_pages_reach_no_engine_do_no_math_on_tables_and_keep_no_cache_of_their_own():
    """The numbers come from the analysis' run() through ui.run_analysis; a page picks, renders and
    lays out."""
    offenders = []
    for name in MIGRATED_PAGES:
        tree = _tree(ROOT / "pages" / name)
        offenders += [f"{name}:{node.lineno} .{node.attr}" for node in ast.walk(tree)
                      if isinstance(node, ast.Attribute) and node.attr in FRAME_MATH]
        offenders += [f"{name}: imports {m}" for m, _ in _imports(tree)
                      if m.split(".")[0] in ("duckdb", "ibis", "pyspark") or m.startswith("promo_core.engine")]
    assert not offenders, offenders


def test_migrated_modules_take_no_language_or_currency():
    offenders = []
    for name in MIGRATED_MODULES:
        tree = _tree(ROOT / "promo_core" / name)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.args + node.args.kwonlyargs + node.args.posonlyargs
                offenders += [f"{name}: {node.name}({a.arg})" for a in args if a.arg in ("lang", "currency")]
        offenders += [f"{name}: imports {m} {n}" for m, n in _imports(tree)
                      if m == "promo_core.i18n" or (m == "promo_core.text" and n != "Message")]
    assert not offenders, offenders


# Where the interface language may appear in promo_core: the catalogue, the renderers (the report, the
# command line's --lang, DataError.text) and the number formats the renderers use.
LANGUAGE_AWARE = {"promo_core/report.py", "promo_core/cli.py", "promo_core/errors.py", "promo_core/i18n.py"}
# Modules whose errors moved to the catalogue with "Text in one place" (issue 15, item 3).
CATALOGUED_ERRORS = ["promo_core/io.py", "promo_core/store.py", "promo_core/auth.py", "promo_core/export.py",
                     "promo_core/cli.py", "promo_core/engine/sales.py", "ui.py"]


# Functions whose ``lang`` is the language of the texts they read, not the interface's (issue 13's
# contract: ``voice.sentiment(texts, lang=None)``).
TEXTS_LANGUAGE = {"promo_core/voice.py:sentiment"}


def test_no_promo_core_function_takes_the_interface_language():
    """Compute returns numbers, codes and messages: no function outside the renderers takes ``lang``,
    so no cache can key on it and switching language recomputes nothing."""
    offenders = []
    for path in sorted((ROOT / "promo_core").rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        if where in LANGUAGE_AWARE or where.startswith("promo_core/text/"):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                args = node.args.args + node.args.kwonlyargs + node.args.posonlyargs
                offenders += [f"{where}:{node.lineno} {a.arg}" for a in args if a.arg in ("lang", "lang_")
                              and f"{where}:{getattr(node, 'name', '')}" not in TEXTS_LANGUAGE]
        offenders += [f"{where}: imports i18n" for m, n in _imports(_tree(path))
                      if m == "promo_core.i18n" or (m == "promo_core" and n == "i18n")]
    assert not offenders, offenders


def test_every_error_moved_to_the_catalogue_reads_in_english_and_chinese():
    """Each ``DataError(Message("id", …))`` of the modules moved to the catalogue names an id whose
    English and Chinese texts fill in every value and differ (a Chinese text, not a copy)."""
    import string

    from promo_core.errors import DataError
    from promo_core.text import Message, catalogue, render

    def sample(spec: str):  # a value each format spec can take
        return ("a", "b") if spec in ("list", "and", "semicolons") else 12345

    ids = set()
    for name in CATALOGUED_ERRORS:
        tree = _tree(ROOT / name)
        assert "zh=" not in (ROOT / name).read_text(encoding="utf-8"), name
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "DataError":
                ids |= {m.args[0].value for m in ast.walk(node) if isinstance(m, ast.Call)
                        and getattr(m.func, "id", None) == "Message" and isinstance(m.args[0], ast.Constant)}
    assert len(ids) >= 50, sorted(ids)
    for message_id in sorted(ids):
        fields = {f: s for _, f, s, _ in string.Formatter().parse(catalogue("en")[message_id]) if f}
        error = DataError(Message(message_id, **{f: sample(s) for f, s in fields.items()}))
        english, chinese = error.text("en"), error.text("zh")
        assert message_id in catalogue("zh") and chinese != english, message_id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), message_id
        assert "{" not in english.replace("{'order_date'", "") and str(error) == english == render(error.message)


def test_the_charts_of_migrated_pages_take_their_words_ready_made():
    import inspect

    from promo_core import charts

    used = {node.attr for name in MIGRATED_PAGES for node in ast.walk(_tree(ROOT / "pages" / name))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "charts"}
    used.add("segment_share_bars")  # the report's Segments section
    used.add("rule_lift_bars")  # the report's basket section
    assert {"segment_treemap", "migration_sankey", "clv_histogram"} <= used
    offenders = [f"{f}({p})" for f in sorted(used) if callable(getattr(charts, f))  # (not colours)
                 for p in inspect.signature(getattr(charts, f)).parameters if p in ("lang", "currency")]
    assert not offenders, offenders


def test_only_the_interface_and_the_report_render_the_catalogue():
    renderers = {"render", "term", "terms", "render_frame", "chart_labels", "column_title", "catalogue"}
    offenders = []
    for path in sorted([*(ROOT / "promo_core").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]):
        where = path.relative_to(ROOT).as_posix()
        if where in RENDERERS or where.startswith("promo_core/text/"):
            continue
        offenders += [f"{where}: {m} {n}" for m, n in _imports(_tree(path))
                      if (m == "promo_core.text" and n in renderers) or (m == "promo_core" and n == "text")]
    assert not offenders, offenders


def test_every_analysis_module_has_params_run_and_result():
    import dataclasses
    import importlib
    import inspect

    for path in sorted((ROOT / "promo_core" / "analyses").glob("*.py")):
        if path.name == "__init__.py":
            continue
        module = importlib.import_module(f"promo_core.analyses.{path.stem}")
        for kind in ("Params", "Result"):
            cls = getattr(module, kind)
            assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, f"{path.name}: {kind}"
        assert list(inspect.signature(module.run).parameters) == ["source", "params", "progress"], path.name
        hash(module.Params())  # a cache key
