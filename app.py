"""PromoLens: promotion analytics for retail marketing managers.

Entry point: routes the pages with st.navigation and draws the shared sidebar (dataset picker,
language, currency). On an empty workspace it loads the demo retailer so there is always
something to explore. When the deployment asks for sign-in, a signed-out session gets a
navigation of sign-in pages only, so no address runs a page or touches the workspace.
"""
import streamlit as st

import ui
from promo_core import sample_data
from promo_core.errors import DataError
from promo_core.text import LANGUAGES

st.set_page_config(page_title="PromoLens", page_icon=":material/insights:", layout="wide")


@st.cache_resource(show_spinner=False)
def _ensure_demo(path: str) -> None:
    """Store the demo retailer when the workspace has no datasets at all (once, however many
    servers start together: the store checks again as it saves)."""
    ws = ui.workspace()
    if ws.list_datasets().empty:  # generating the demo takes seconds: skip it when there is data
        sample_data.save_demo(ws, if_empty=True)


def _keep(widget_key: str, store_key: str) -> None:
    """Copy a sidebar widget's value into a plain session key: widget keys are dropped on runs
    where the widget is not drawn, plain keys persist for the whole session."""
    st.session_state[store_key] = st.session_state[widget_key]


def _switch_language() -> None:
    _keep("lang_picker", "lang")
    ui.keep_choices_as_codes()


def _bind(widget_key: str, store_key: str) -> dict:
    """Widget arguments that show the stored value and keep it in step with the widget."""
    st.session_state[widget_key] = st.session_state[store_key]
    return {"key": widget_key, "on_change": _keep, "args": (widget_key, store_key)}


def sidebar() -> None:
    state = st.session_state
    state.setdefault("lang", "en")
    state.setdefault("currency", "£")
    with st.sidebar:
        st.selectbox("Language / 语言", list(LANGUAGES), format_func=LANGUAGES.get,
                     **{**_bind("lang_picker", "lang"), "on_change": _switch_language, "args": ()})
        datasets = ui.workspace().list_datasets()
        ids = datasets["id"].tolist()
        if state.get("dataset_id") not in ids:
            state["dataset_id"] = ids[0] if ids else None
        if ids:
            names = dict(zip(datasets["id"], datasets["name"]))
            st.selectbox(ui.text("app.dataset"), ids, format_func=names.get, **_bind("dataset_picker", "dataset_id"),
                         help=ui.text("app.dataset.help"))
        if (spec := ui.connection()) is not None:  # a connection is analysed instead of the dataset
            st.info(ui.text("connect.active", source=spec.label), icon=":material/cable:")
            st.button(ui.text("connect.stop"), key="connect-stop", on_click=ui.use_connection, args=(None,))
        st.text_input(ui.text("app.currency"), max_chars=4, **_bind("currency_input", "currency"),
                      help=ui.text("app.currency.help"))


pages = [
    st.Page("pages/data.py", title=ui.text("app.page.data"), icon=":material/database:", default=True),
    st.Page("pages/segments.py", title=ui.text("app.page.segments"), icon=":material/groups:"),
    st.Page("pages/recommendations.py", title=ui.text("app.page.recommendations"), icon=":material/recommend:"),
    st.Page("pages/journeys.py", title=ui.text("app.page.journeys"), icon=":material/route:"),
    st.Page("pages/voice.py", title=ui.text("app.page.voice"), icon=":material/reviews:"),
    st.Page("pages/pricing.py", title=ui.text("app.page.pricing"), icon=":material/sell:"),
    st.Page("pages/coupons.py", title=ui.text("app.page.coupons"), icon=":material/local_activity:"),
    st.Page("pages/marketing.py", title=ui.text("app.page.marketing"), icon=":material/campaign:"),
    st.Page("pages/logistics.py", title=ui.text("app.page.logistics"), icon=":material/local_shipping:"),
    st.Page("pages/reports.py", title=ui.text("app.page.reports"), icon=":material/summarize:"),
]
if not ui.signed_in():
    ui.sign_in_navigation(pages).run()
    st.stop()
page = st.navigation(pages)
ui.resume_page()
try:
    with st.spinner(ui.text("app.preparing_demo")):
        _ensure_demo(str(ui.workspace().path))
    sidebar()
    ui.account_sidebar()
    page.run()
except DataError as exc:  # e.g. a workspace kept busy by another program: say so, not a traceback
    ui.show_error(exc)
