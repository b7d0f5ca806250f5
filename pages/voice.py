"""Voice of the customer page: what reviews and social posts say (English and Chinese), per text,
product and category: sentiment over time, share negative, the aspects negative texts name with
quotes, a short summary per product, how reliable the sentiment is against the texts' own star
ratings, and how sentiment moves with sales.

Widgets -> ``Params`` -> ``ui.run_analysis`` -> render the ``Result``; every number comes from
``promo_core.analyses.voice`` and every word from the catalogue (``ui.text``)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from promo_core import charts, report
from promo_core.analyses import voice as analysis
from promo_core.analyses.voice import MIN_WEEKS
from promo_core.i18n import fmt_pct

ui.guard_page()  # first: nothing of this page runs before sign-in

t = ui.text
st.title(t("voice.title"))
st.caption(t("voice.lead"))
dataset = ui.require_dataset()


def named(frame: pd.DataFrame) -> pd.DataFrame:
    """A table with aspect, sentiment and language codes by their names in the interface language
    (as the report names them: ``report.voice_named``)."""
    return report.voice_named(frame, ui.lang())


def weekly_chart(weekly: pd.DataFrame, name: str, key: str) -> None:
    """The average sentiment per week of one product or category."""
    words = ui.chart_labels("voice_product_weekly", name=name)
    axes = ui.chart_labels("voice_weekly")
    ui.chart(charts.weekly_trend(weekly, "mean_score", words["title"], axes["y"], axes["x"]), key=key)


# --------------------------------------------------------------------------------------------
# The texts and the settings
# --------------------------------------------------------------------------------------------
texts = None
stored = ui.dataset_table("reviews") if ui.connection() is None else None  # (frame, key naming its version)
with st.expander(t("voice.data.heading"), expanded=True, icon=":material/upload_file:", key="exp-voice-data"):
    source = st.radio(t("voice.data.where"), ["dataset" if stored is not None else "demo", "upload"],
                      horizontal=True, key="voice-source", format_func=lambda s: t(f"voice.data.source.{s}"),
                      help=t("voice.data.where.help"))
    if source == "upload":
        st.caption(t("voice.data.upload.lead"))
        upload = st.file_uploader(t("voice.data.upload"), type=["csv", "txt", "xlsx", "parquet"], key="voice-upload")
        if upload is None:
            st.info(t("voice.data.pick"))
            st.stop()
        raw = ui.read_upload(upload)
        texts = analysis.Texts(raw.data, ui.upload_key(upload))
        ui.upload_note(raw, "voice", "voice-unreadable-lines.csv")
    elif source == "dataset":  # redacted as the report's are (one function: analyses.voice.redacted)
        frame, key = stored
        texts = analysis.Texts(ui.run(analysis.redacted, frame), f"{key}:redacted")
        st.caption(t("voice.data.dataset", rows=len(frame), name=ui.workspace().dataset(dataset)["name"]))
    else:
        st.caption(t("voice.data.demo"))

with st.expander(t("voice.settings.heading"), icon=":material/tune:", key="exp-voice-settings"):
    c1, c2, c3 = st.columns(3)
    model = c1.selectbox(t("voice.settings.model"), list(analysis.MODELS), key="voice-model",
                         format_func=lambda m: t(f"voice.model.{m}"), help=t("voice.settings.model.help"))
    lags = c2.slider(t("voice.settings.lags"), 1, 8, 4, key="voice-lags", help=t("voice.settings.lags.help"))
    sentences = c3.slider(t("voice.settings.sentences"), 1, 5, 3, key="voice-sentences")

params = analysis.Params(texts=texts, protect=ui.side_uploads_protected(), model=model, max_lag_weeks=lags,
                         summary_sentences=sentences)
result = ui.run_analysis(analysis, params)
st.caption(t("voice.data.columns", columns=t("join.list").join(
    t("voice.data.column", role=t(f"voice.role.{role}"), header=header) for role, header in result.columns.items())))
notes = [t(n) for n in result.notes]
for note in notes:
    st.caption(note)

m1, m2, m3, m4 = st.columns(4)
m1.metric(t("voice.metric.texts"), ui.number(result.n_texts), help=t("voice.metric.texts.help", **result.languages))
m2.metric(t("voice.metric.positive"), fmt_pct(result.share_positive, 0), help=t("voice.metric.positive.help"))
m3.metric(t("voice.metric.negative"), fmt_pct(result.share_negative, 0), help=t("voice.metric.negative.help"))
m4.metric(t("voice.metric.score"), ui.number(result.mean_score, 2), help=t("voice.metric.score.help"))

figures, report_tables = {}, {}
tabs = st.tabs([t(f"voice.tab.{k}") for k in ("overview", "products", "categories", "model", "sales", "texts")])

# --------------------------------------------------------------------------------------------
# 1. Overview: over time and by aspect
# --------------------------------------------------------------------------------------------
with tabs[0], ui.section():
    if result.weekly is None:
        st.info(t("voice.overview.no_dates"))
    else:
        words = ui.chart_labels("voice_weekly")
        weekly = charts.weekly_trend(result.weekly, "mean_score", words["title"], words["y"], words["x"])
        ui.chart(weekly, key="voice-weekly")
        st.caption(t("voice.overview.weekly"))
        figures[t("voice.figure.weekly")] = weekly
        ui.download_csv(result.weekly, "voice-weekly.csv")
    st.caption(t("voice.overview.aspects"))
    aspects = named(result.aspects)
    words = ui.chart_labels("voice_aspects")
    bars = charts.ranked_bars(aspects, "aspect", "negative_texts", words["title"], words["x"],
                              height=360)
    ui.chart(bars, key="voice-aspects")
    figures[t("voice.figure.aspects")] = bars
    ui.result_table(aspects, "voice-aspects.csv")
    report_tables[t("voice.table.aspects")] = aspects
    if len(result.new_words):
        st.caption(t("voice.overview.new_words"))
        ui.result_table(result.new_words, "voice-new-aspect-words.csv")

# --------------------------------------------------------------------------------------------
# 2. Products
# --------------------------------------------------------------------------------------------
with tabs[1], ui.section():
    if result.products is None:
        st.info(t("voice.products.none"))
    else:
        st.caption(t("voice.products.lead"))
        products = named(result.products)
        if result.summaries is not None:
            products = products.join(result.summaries.set_index("product_id"), on="product_id")
        ui.result_table(products, "voice-products.csv")
        report_tables[t("voice.table.products")] = products
        ids = result.products["product_id"].tolist()
        labels = dict(zip(ids, result.products["product_name"] if "product_name" in result.products else ids))
        pid = st.selectbox(t("voice.products.pick"), ids, key="voice-product",
                           format_func=lambda p: f"{labels[p]} ({p})" if labels[p] != p and pd.notna(labels[p]) else p)
        row = result.products.set_index("product_id").loc[pid]
        name = labels[pid] if pd.notna(labels[pid]) else pid
        st.markdown(t("voice.products.detail", name=name, texts=int(row["texts"]), negative=row["share_negative"]))
        if result.product_weekly is not None:
            weekly_chart(result.product_weekly[result.product_weekly["product_id"] == pid], name,
                         "voice-product-weekly")
        if result.summaries is not None:
            summary = result.summaries[result.summaries["product_id"] == pid]["summary"]
            if len(summary):
                st.markdown(t("voice.products.summary"))
                st.markdown("> " + summary.iloc[0].replace("\n", " "))
        st.markdown(t("voice.products.negative_aspects"))
        own_aspects = result.negative_aspects[result.negative_aspects["product_id"] == pid]
        if own_aspects.empty:
            st.caption(t("voice.products.no_negative"))
        else:
            ui.result_table(named(own_aspects), "voice-product-complaints.csv")

# --------------------------------------------------------------------------------------------
# 3. Categories
# --------------------------------------------------------------------------------------------
with tabs[2], ui.section():
    if result.categories is None:
        st.info(t("voice.categories.none"))
    else:
        st.caption(t("voice.categories.lead"))
        categories = named(result.categories)
        ui.result_table(categories, "voice-categories.csv")
        report_tables[t("voice.table.categories")] = categories
        if result.category_weekly is not None:
            category = st.selectbox(t("voice.categories.pick"), result.categories["category"].tolist(),
                                    key="voice-category")
            weekly_chart(result.category_weekly[result.category_weekly["category"] == category], category,
                         "voice-category-weekly")

# --------------------------------------------------------------------------------------------
# 4. How reliable: the libraries against a classifier trained on the ratings
# --------------------------------------------------------------------------------------------
with tabs[3], ui.section():
    checked = result.ratings
    if checked is None and "ratings" in result.problems:
        ui.show_problem(result.problems["ratings"])
    elif checked is None:
        st.info(t("voice.model.none") if model != "library" else t("voice.model.forced.library"))
    else:
        st.caption(t("voice.model.lead", folds=checked.n_splits, texts=int(checked.table["texts"].iloc[0])))
        if model == "auto":
            (st.success if checked.used == "classifier" else st.info)(
                t(f"voice.model.used.{checked.used}", accuracy=checked.classifier_accuracy,
                  library=checked.library_accuracy))
        else:
            st.info(t(f"voice.model.forced.{model}"))
        table = named(checked.table)
        ui.result_table(table, "voice-accuracy.csv")
        st.caption(t("voice.model.explain"))
        report_tables[t("voice.table.model")] = table

# --------------------------------------------------------------------------------------------
# 5. Sentiment and sales
# --------------------------------------------------------------------------------------------
with tabs[4], ui.section():
    link = result.sales
    if link is None and "sales" in result.problems:
        ui.show_problem(result.problems["sales"])
    elif link is not None:
        st.caption(t("voice.sales.lead", products=link.products, weeks=MIN_WEEKS))
        words = ui.chart_labels("voice_lags")
        lag_table = link.lags.assign(lag_name=[t("voice.sales.lag", lag=int(v)) for v in link.lags["lag"]])
        lag_bars = charts.ranked_bars(lag_table.iloc[::-1], "lag_name", "correlation", words["title"], words["x"],
                                      height=380)
        ui.chart(lag_bars, key="voice-lag-chart")
        figures[t("voice.figure.sales")] = lag_bars
        (st.info if link.clear else st.caption)(
            t("voice.sales.verdict.some", lag=link.strongest_lag, r=link.strongest) if link.clear
            else t("voice.sales.verdict.none"))
        st.warning(t("voice.sales.caveat", band=link.band))
        ui.result_table(link.lags, "voice-sentiment-sales.csv")
        report_tables[t("voice.table.sales")] = link.lags

# --------------------------------------------------------------------------------------------
# 6. All texts, and the rows left out
# --------------------------------------------------------------------------------------------
with tabs[5], ui.section():
    st.caption(t("voice.texts.lead"))
    shown_texts = named(result.texts.drop(columns=["row"]))
    ui.table(shown_texts.head(1000), "voice-texts-preview.csv", column_config=ui.columns(shown_texts))
    ui.download_csv(shown_texts, "voice-texts.csv", key="dl-voice-texts-all", deferred=True)
    if len(result.quarantine):
        st.caption(t("voice.texts.quarantine"))
        ui.result_table(result.quarantine, "voice-rows-left-out.csv")

st.divider()
ui.save_to_report(
    "voice", t("voice.saved_name", texts=result.n_texts),
    params={"texts": "demo" if result.demo else texts.key, "model": model, "max_lag_weeks": lags,
            "summary_sentences": sentences},
    tables=report_tables, figures=figures, notes=notes)
