"""House rules that are cheap to check mechanically."""
import ast
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
