"""PromoLens: promotion analytics for retail marketing managers.

Entry point: routes the pages with st.navigation and draws the shared sidebar (dataset picker,
language, currency). On an empty workspace it loads the demo retailer so there is always
something to explore.
"""
import streamlit as st

import ui
from promo_core import sample_data
from promo_core.i18n import LANGUAGES

st.set_page_config(page_title="PromoLens", page_icon=":material/insights:", layout="wide")


@st.cache_resource(show_spinner=False)
def _ensure_demo(path: str) -> None:
    """Store the demo retailer once when the workspace has no datasets at all."""
    ws = ui.workspace()
    if ws.list_datasets().empty:
        sample_data.save_demo(ws)


def sidebar() -> None:
    st.session_state.setdefault("lang", "en")
    st.session_state.setdefault("currency", "£")
    with st.sidebar:
        st.selectbox("Language / 语言", list(LANGUAGES), format_func=LANGUAGES.get, key="lang")
        datasets = ui.workspace().list_datasets()
        ids = datasets["id"].tolist()
        if ids:
            if st.session_state.get("dataset_id") not in ids:
                st.session_state["dataset_id"] = ids[0]
            names = dict(zip(datasets["id"], datasets["name"]))
            st.selectbox(ui.tr("Dataset", "数据集"), ids, format_func=names.get, key="dataset_id",
                         help=ui.tr("The sales data every page analyses. Upload more on the Data page.",
                                    "所有页面分析的销售数据。可在“数据”页面上传更多。"))
        else:
            st.session_state["dataset_id"] = None
        st.text_input(ui.tr("Currency symbol", "货币符号"), key="currency", max_chars=4,
                      help=ui.tr("Shown before every amount of money.", "显示在所有金额前。"))


with st.spinner("Preparing the demo retailer…"):
    _ensure_demo(str(ui.workspace().path))
sidebar()
pages = [
    st.Page("pages/data.py", title=ui.tr("Data", "数据"), icon=":material/database:", default=True),
]
st.navigation(pages).run()
