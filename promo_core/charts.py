"""Plotly figure builders: data in, ``go.Figure`` out. Every figure has a title and axis titles
with units, so a chart explains itself when it lands in a report.

Plotly reads a subset of HTML in every title, label, tick, legend entry and hover, so names from
the data (products, categories, channels, arms, stores, customers) pass through ``plain`` on
their way into a figure: a product called ``<a href=...>`` shows as that text, not as a link.

Sections below belong to one page each; shared styling is at the top. The Segments page's charts
take their words ready-made (``labels``: title, axis titles with units, legend and hover words, and
``money``, how an amount reads, e.g. "£{}") and the display ``names`` of the codes they show, from
``ui`` or ``report`` through ``promo_core.text.chart_labels``: no chart here knows the language.
"""
from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

PALETTE = px.colors.qualitative.Safe
PRIMARY = "#2E5EAA"
ACCENT = "#E4572E"
GOOD = "#3A9D5D"
MUTED = "#9AA5B1"


def plain(values):
    """Names from the data as text, never markup.

    ``<`` and ``>`` become ``&lt;`` and ``&gt;``, which Plotly shows as the characters themselves,
    so no tag in a name (``<a href>``, ``<br>``, ``<img>``) is read. Takes a string, a list or a
    Series (other values pass unchanged) and is idempotent: a name escaped twice reads the same,
    so a label that went through here before is safe to pass again.
    """
    if isinstance(values, str):
        return values.replace("<", "&lt;").replace(">", "&gt;")
    if isinstance(values, pd.Series):
        return values.map(lambda v: plain(v) if isinstance(v, str) else v)
    if isinstance(values, list):
        return [plain(v) for v in values]
    return values


def styled(fig: go.Figure, title: str, x_title: str | None = None, y_title: str | None = None,
           height: int = 420) -> go.Figure:
    """The house style: title, axis titles (with units), white background, compact margins.
    Titles often name a product or category, so they are ``plain`` text."""
    fig.update_layout(title={"text": plain(title), "x": 0.01, "xanchor": "left"}, template="plotly_white",
                      height=height, margin={"l": 60, "r": 20, "t": 60, "b": 50}, legend={"title": {"text": ""}},
                      colorway=PALETTE, font={"family": "Inter, Segoe UI, Microsoft YaHei, sans-serif"})
    if x_title is not None:
        fig.update_xaxes(title_text=plain(x_title))
    if y_title is not None:
        fig.update_yaxes(title_text=plain(y_title))
    return fig


# === Data page ====================================================================================
def weekly_trend(weekly: pd.DataFrame, value: str, title: str, y_title: str, x_title: str = "Week") -> go.Figure:
    """A line of a weekly total (revenue, orders or units)."""
    fig = go.Figure(go.Scatter(x=weekly["week"], y=weekly[value], mode="lines", line={"color": PRIMARY, "width": 2},
                               hovertemplate="%{x|%d %b %Y}: %{y:,.0f}<extra></extra>"))
    return styled(fig, title, x_title, y_title)


def ranked_bars(frame: pd.DataFrame, label: str, value: str, title: str, x_title: str,
                color: str = PRIMARY, height: int = 460) -> go.Figure:
    """Horizontal bars, largest on top, for top-N lists."""
    frame = frame.iloc[::-1]
    labels = plain(frame[label].astype(str).str.slice(0, 40))
    fig = go.Figure(go.Bar(x=frame[value], y=labels, orientation="h", marker_color=color,
                           hovertemplate="%{y}: %{x:,.2f}<extra></extra>"))
    return styled(fig, title, x_title, None, height=height)


def share_donut(frame: pd.DataFrame, label: str, value: str, title: str) -> go.Figure:
    """Shares of a whole (e.g. orders by channel)."""
    fig = go.Figure(go.Pie(labels=plain(frame[label]), values=frame[value], hole=0.5, sort=False,
                           marker={"colors": PALETTE}, textinfo="label+percent"))
    return styled(fig, title, height=360)


# === Reports page (standard analyses of the command line) ===========================================
def rule_lift_bars(rules: pd.DataFrame, title: str, x_title: str) -> go.Figure:
    """Basket rules "A → C" as horizontal bars of lift, strongest on top; hover shows confidence.

    ``rules`` holds ``rule`` (a label), ``lift`` and ``confidence``."""
    frame = rules.iloc[::-1]
    fig = go.Figure(go.Bar(x=frame["lift"], y=plain(frame["rule"].astype(str).str.slice(0, 70)), orientation="h",
                           marker_color=PRIMARY, customdata=frame["confidence"],
                           hovertemplate="%{y}<br>lift %{x:.2f}, confidence %{customdata:.1%}<extra></extra>"))
    fig.add_vline(x=1, line_dash="dot", line_color=MUTED)
    return styled(fig, title, x_title, None, height=max(320, 28 * len(frame) + 110))


def elasticity_intervals(frame: pd.DataFrame, label: str, title: str, x_title: str, reliable_name: str,
                         unreliable_name: str) -> go.Figure:
    """Each row's elasticity as a dot with its 90% interval; unreliable estimates in grey.

    ``frame`` holds ``label``, ``elasticity``, ``ci_low``, ``ci_high`` and ``reliable``."""
    fig = go.Figure()
    for reliable, name, color in ((True, reliable_name, PRIMARY), (False, unreliable_name, MUTED)):
        part = frame[frame["reliable"] == reliable]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["elasticity"], y=plain(part[label].astype(str)), mode="markers", name=name,
            marker={"color": color, "size": 10},
            error_x={"type": "data", "symmetric": False, "array": part["ci_high"] - part["elasticity"],
                     "arrayminus": part["elasticity"] - part["ci_low"], "color": color},
            hovertemplate="%{y}: %{x:.2f}<extra></extra>"))
    fig.add_vline(x=0, line_color=MUTED)
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=plain(frame[label].astype(str).tolist()))
    return styled(fig, title, x_title, None, height=max(320, 34 * len(frame) + 120))


# === Logistics page ===============================================================================
def demand_forecast(history: pd.Series, forecast: pd.DataFrame, main_model: str, model_names: dict, title: str,
                    x_title: str, y_title: str, band_name: str, baseline_name: str, actual_name: str) -> go.Figure:
    """Weekly history, every model's forecast, the main model's prediction interval and, when a
    promotion is planned, its baseline without the promotion (the gap is the uplift).

    ``forecast`` is one series' rows of ``ForecastResult.forecast`` (week, model, baseline,
    forecast, lower, upper).
    """
    fig = go.Figure()
    main = forecast[forecast["model"] == main_model].sort_values("week")
    fig.add_trace(go.Scatter(x=pd.concat([main["week"], main["week"][::-1]]),
                             y=pd.concat([main["upper"], main["lower"][::-1]]), fill="toself",
                             fillcolor="rgba(46, 94, 170, 0.15)", line={"width": 0}, name=band_name,
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=history.index, y=history.to_numpy(), mode="lines", name=actual_name,
                             line={"color": "#333333", "width": 1.8},
                             hovertemplate="%{x|%d %b %Y}: %{y:,.0f}<extra></extra>"))
    colours = {main_model: PRIMARY}
    others = [m for m in forecast["model"].unique() if m != main_model]
    for model, colour in zip(others, [MUTED, "#B279A2", GOOD]):
        colours[model] = colour
    for model in [main_model] + others:
        rows = forecast[forecast["model"] == model].sort_values("week")
        fig.add_trace(go.Scatter(x=rows["week"], y=rows["forecast"], mode="lines+markers", name=model_names[model],
                                 line={"color": colours[model], "width": 3 if model == main_model else 1.5,
                                       "dash": "solid" if model == main_model else "dot"},
                                 marker={"size": 5},
                                 hovertemplate="%{x|%d %b %Y}: %{y:,.0f}<extra>" + model_names[model] + "</extra>"))
    if (main["forecast"] - main["baseline"]).abs().max() > 1e-9:
        fig.add_trace(go.Scatter(x=main["week"], y=main["baseline"], mode="lines", name=baseline_name,
                                 line={"color": ACCENT, "width": 2, "dash": "dash"},
                                 hovertemplate="%{x|%d %b %Y}: %{y:,.0f}<extra>" + baseline_name + "</extra>"))
    fig.update_layout(hovermode="x unified", legend={"orientation": "h", "y": -0.2})
    return styled(fig, title, x_title, y_title, height=460)


def service_level_costs(curve: pd.DataFrame, chosen: float, title: str, x_title: str, cost_title: str,
                        short_title: str, cost_name: str, short_name: str, chosen_name: str) -> go.Figure:
    """What the service level drives: the yearly cost of holding safety stock (left axis, from zero)
    and the units expected short (right axis), against the target service level."""
    fig = go.Figure()
    x = 100 * curve["service_level"]
    fig.add_trace(go.Scatter(x=x, y=curve["safety_stock_cost"], mode="lines+markers", name=cost_name,
                             line={"color": PRIMARY, "width": 2.5},
                             hovertemplate="%{x:.1f}%: %{y:,.0f}<extra>" + cost_name + "</extra>"))
    fig.add_trace(go.Scatter(x=x, y=curve["expected_short_per_year"], mode="lines+markers", name=short_name,
                             yaxis="y2", line={"color": ACCENT, "width": 2, "dash": "dot"},
                             hovertemplate="%{x:.1f}%: %{y:,.0f}<extra>" + short_name + "</extra>"))
    fig.add_vline(x=100 * chosen, line={"color": GOOD, "width": 2, "dash": "dash"},
                  annotation_text=chosen_name, annotation_position="top left")
    styled(fig, title, x_title, None, height=420)
    fig.update_layout(yaxis={"title": {"text": cost_title}, "rangemode": "tozero"},
                      yaxis2={"title": {"text": short_title}, "overlaying": "y", "side": "right",
                              "showgrid": False, "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.2}, margin={"r": 70})
    return fig


@functools.lru_cache(maxsize=1)
def _land_rings() -> tuple:
    """Natural Earth 1:50m land polygons (lon, lat rings), shipped in promo_core/geodata."""
    with gzip.open(Path(__file__).parent / "geodata" / "land_50m.json.gz", "rt", encoding="utf-8") as fh:
        rings = json.load(fh)["rings"]
    return tuple((tuple(r[0::2]), tuple(r[1::2])) for r in rings)


def _land_outline(x_range, y_range) -> tuple[list, list]:
    """Land rings that reach into the box, joined with gaps for one filled trace."""
    xs: list = []
    ys: list = []
    for lon, lat in _land_rings():
        if max(lon) < x_range[0] or min(lon) > x_range[1] or max(lat) < y_range[0] or min(lat) > y_range[1]:
            continue
        xs += list(lon) + [None]
        ys += list(lat) + [None]
    return xs, ys


def network_map(warehouses: pd.DataFrame, stores: pd.DataFrame, flows: pd.DataFrame, title: str, names: dict,
                x_title: str, y_title: str) -> go.Figure:
    """Warehouses, stores and the flows between them on longitude/latitude axes.

    Drawn on plain axes scaled so a kilometre east equals a kilometre north at the network's
    latitude, over Natural Earth's land outline shipped with PromoLens: no map tiles, no token and
    no download, so it renders offline and in saved reports.
    ``warehouses`` has site_id, name, lat, lon, open, capacity, shipped; ``stores`` site_id, name,
    lat, lon, demand; ``flows`` warehouse_id, store_id, units.
    """
    fig = go.Figure()
    lons = np.r_[warehouses["lon"].to_numpy(float), stores["lon"].to_numpy(float)]
    lats = np.r_[warehouses["lat"].to_numpy(float), stores["lat"].to_numpy(float)]
    pad_lon = max(0.5, 0.15 * (lons.max() - lons.min()))
    pad_lat = max(0.5, 0.15 * (lats.max() - lats.min()))
    x_range = [lons.min() - pad_lon, lons.max() + pad_lon]
    y_range = [lats.min() - pad_lat, lats.max() + pad_lat]
    squash = np.cos(np.radians(float(np.mean(lats))))
    wide = 1.6 * (y_range[1] - y_range[0]) / max(squash, 0.1)  # fill a landscape chart
    if x_range[1] - x_range[0] < wide:
        extra = (wide - (x_range[1] - x_range[0])) / 2
        x_range = [x_range[0] - extra, x_range[1] + extra]
    land_x, land_y = _land_outline(x_range, y_range)
    if land_x:
        fig.add_trace(go.Scatter(x=land_x, y=land_y, mode="lines", fill="toself", fillcolor="#EEF1F4",
                                 line={"color": "#C3CBD5", "width": 0.8}, hoverinfo="skip", showlegend=False))
    w = warehouses.set_index("site_id")
    s = stores.set_index("site_id")
    if len(flows):
        width_bins = np.quantile(flows["units"], [0, 1 / 3, 2 / 3, 1]) if len(flows) > 2 else [0, np.inf]
        for k, (lo, hi) in enumerate(zip(width_bins[:-1], width_bins[1:])):
            part = flows[(flows["units"] >= lo) & ((flows["units"] < hi) | (k == len(width_bins) - 2))]
            if part.empty:
                continue
            xs, ys = [], []
            for row in part.itertuples():
                xs += [w.at[row.warehouse_id, "lon"], s.at[row.store_id, "lon"], None]
                ys += [w.at[row.warehouse_id, "lat"], s.at[row.store_id, "lat"], None]
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "rgba(46, 94, 170, 0.55)",
                                                                      "width": 1.5 + 2 * k},
                                     name=names["flows"], legendgroup="flows", showlegend=k == 0, hoverinfo="skip"))
        mid = flows.assign(lon=(w.loc[flows["warehouse_id"], "lon"].to_numpy() + s.loc[flows["store_id"], "lon"].to_numpy()) / 2,
                           lat=(w.loc[flows["warehouse_id"], "lat"].to_numpy() + s.loc[flows["store_id"], "lat"].to_numpy()) / 2)
        fig.add_trace(go.Scatter(x=mid["lon"], y=mid["lat"], mode="markers", marker={"size": 6, "opacity": 0},
                                 showlegend=False,
                                 customdata=np.c_[plain(mid["warehouse"].astype(str)), plain(mid["store"].astype(str)),
                                                  mid["units"]],
                                 hovertemplate="%{customdata[0]} → %{customdata[1]}: %{customdata[2]:,.0f}<extra></extra>"))
    demand = stores["demand"].to_numpy(float)
    size = 8 + 14 * np.sqrt(demand / demand.max()) if demand.max() > 0 else np.full(len(stores), 8)
    fig.add_trace(go.Scatter(x=stores["lon"], y=stores["lat"], mode="markers", name=names["stores"],
                             marker={"size": size, "color": ACCENT, "line": {"color": "white", "width": 1}},
                             customdata=np.c_[plain(stores["name"].astype(str)), demand],
                             hovertemplate="%{customdata[0]}: %{customdata[1]:,.0f}<extra></extra>"))
    for is_open, label, colour in ((True, names["open"], PRIMARY), (False, names["closed"], MUTED)):
        part = warehouses[warehouses["open"] == is_open]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["lon"], y=part["lat"], mode="markers+text", name=label, text=plain(part["name"].astype(str)),
            textposition="top center", textfont={"size": 11, "color": colour},
            marker={"symbol": "square" if is_open else "square-open", "size": 16, "color": colour,
                    "line": {"color": colour, "width": 2}},
            customdata=np.c_[plain(part["name"].astype(str)), part["shipped"], part["capacity"]],
            hovertemplate="%{customdata[0]}: %{customdata[1]:,.0f} / %{customdata[2]:,.0f}<extra></extra>"))
    fig.update_xaxes(range=x_range, constrain="domain", showgrid=False, zeroline=False)
    fig.update_yaxes(range=y_range, scaleanchor="x", scaleratio=1 / max(squash, 0.1),
                     constrain="domain", showgrid=False, zeroline=False)
    fig.update_layout(legend={"orientation": "h", "y": -0.12})
    return styled(fig, title, x_title, y_title, height=620)


# === Recommendations page =========================================================================
def model_comparison(table: pd.DataFrame, metrics: dict, baseline: str, title: str, y_title: str) -> go.Figure:
    """Grouped bars: one group per metric (``metrics`` maps column -> display name), one bar per
    model; the best-seller baseline in grey so the gain over it reads at a glance."""
    fig = go.Figure()
    for i, row in enumerate(table.itertuples(index=False)):
        is_base = row.model == baseline
        fig.add_trace(go.Bar(
            x=list(metrics.values()), y=[getattr(row, c) for c in metrics], name=row.model,
            marker_color=MUTED if is_base else PALETTE[i % len(PALETTE)],
            hovertemplate=f"{row.model}<br>%{{x}}: %{{y:.3f}}<extra></extra>"))
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.18})
    return styled(fig, title, None, y_title, height=440)


def rules_heatmap(rules: pd.DataFrame, names: dict, title: str, x_title: str, y_title: str,
                  hover: str = "lift", top: int = 15) -> go.Figure:
    """Lift of one-product rules between the products in the strongest rules: row = the product
    in the basket, column = the product it brings along (blank = no rule)."""
    single = rules[(rules["antecedents"].map(len) == 1) & (rules["consequents"].map(len) == 1)]
    single = single.assign(a=single["antecedents"].str[0], c=single["consequents"].str[0])
    strongest = single.nlargest(top * 3, "lift")
    products = list(dict.fromkeys(list(strongest["a"]) + list(strongest["c"])))[:top]
    grid = (single[single["a"].isin(products) & single["c"].isin(products)]
            .pivot_table(index="a", columns="c", values="lift", aggfunc="max")
            .reindex(index=products, columns=products))
    label = plain([str(names.get(p, p))[:32] for p in products])
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=label, y=label, colorscale="Blues", zmin=1, hoverongaps=False,
                               colorbar={"title": {"text": hover}},
                               hovertemplate="%{y} → %{x}<br>" + hover + " %{z:.1f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return styled(fig, title, x_title, y_title, height=max(420, 26 * len(products) + 180))


def bought_with_bars(frame: pd.DataFrame, title: str, x_title: str) -> go.Figure:
    """Products bought with one product: bars of confidence (share of its baskets), lift on hover."""
    frame = frame.iloc[::-1]
    fig = go.Figure(go.Bar(x=frame["confidence"], y=plain(frame["product_name"].astype(str).str.slice(0, 50)),
                           orientation="h", marker_color=PRIMARY, customdata=frame["lift"],
                           hovertemplate="%{y}: %{x:.1%} (lift %{customdata:.1f}×)<extra></extra>"))
    fig.update_xaxes(tickformat=".0%")
    return styled(fig, title, x_title, None, height=max(300, 30 * len(frame) + 120))


# === Pricing page ==================================================================================
def elasticity_pooling(products: pd.DataFrame, title: str, x_title: str, y_title: str, names: dict) -> go.Figure:
    """Each product's own (raw) elasticity against its partially pooled one, with the diagonal
    (no pooling): points pulled off the diagonal toward their category borrowed strength from it.

    ``products`` holds product_name, category, elasticity_raw, elasticity, pooling, reliable;
    ``names`` has 'reliable', 'unreliable', 'diagonal'."""
    frame = products.dropna(subset=["elasticity_raw", "elasticity"])
    fig = go.Figure()
    for reliable, color in ((True, PRIMARY), (False, ACCENT)):
        part = frame[frame["reliable"] == reliable]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["elasticity_raw"], y=part["elasticity"], mode="markers",
            name=names["reliable" if reliable else "unreliable"],
            marker={"color": color, "size": 7, "opacity": 0.7},
            customdata=list(zip(plain(part["product_name"].astype(str)), plain(part["category"].astype(str)),
                                part["pooling"])),
            hovertemplate="%{customdata[0]} (%{customdata[1]})<br>own %{x:.2f} → pooled %{y:.2f}"
                          "<br>category weight %{customdata[2]:.0%}<extra></extra>"))
    if len(frame):
        lo = float(min(frame["elasticity_raw"].min(), frame["elasticity"].min()))
        hi = float(max(frame["elasticity_raw"].max(), frame["elasticity"].max()))
        fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name=names["diagonal"],
                                 line={"color": MUTED, "dash": "dot"}, hoverinfo="skip"))
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return styled(fig, title, x_title, y_title, height=440)


def demand_profit_curve(curve: pd.DataFrame, current_price: float, recommended_price: float | None, title: str,
                        x_title: str, units_title: str, profit_title: str, names: dict) -> go.Figure:
    """Units (left axis) and profit (right axis) per period against price, with 90% bands, the
    current price and the recommended one marked.

    ``curve`` is ``pricing.demand_curve``'s output; ``names`` has 'units', 'profit', 'band',
    'current', 'recommended'."""
    fig = go.Figure()
    band_x = pd.concat([curve["price"], curve["price"][::-1]])
    fig.add_trace(go.Scatter(x=band_x, y=pd.concat([curve["profit_high"], curve["profit_low"][::-1]]),
                             fill="toself", fillcolor="rgba(58, 157, 93, 0.15)", line={"width": 0},
                             name=names["band"], yaxis="y2", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=curve["price"], y=curve["units"], mode="lines", name=names["units"],
                             line={"color": PRIMARY, "width": 2.5},
                             hovertemplate="%{x:.2f}: %{y:,.1f}<extra>" + names["units"] + "</extra>"))
    fig.add_trace(go.Scatter(x=curve["price"], y=curve["profit"], mode="lines", name=names["profit"], yaxis="y2",
                             line={"color": GOOD, "width": 2.5},
                             hovertemplate="%{x:.2f}: %{y:,.2f}<extra>" + names["profit"] + "</extra>"))
    fig.add_vline(x=current_price, line={"color": MUTED, "width": 2, "dash": "dash"},
                  annotation_text=names["current"], annotation_position="top left")
    if recommended_price is not None and abs(recommended_price - current_price) > 1e-9:
        fig.add_vline(x=recommended_price, line={"color": ACCENT, "width": 2},
                      annotation_text=names["recommended"], annotation_position="top right")
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "showgrid": False},
                      legend={"orientation": "h", "y": -0.2}, margin={"r": 70}, hovermode="x unified")
    fig = styled(fig, title, x_title, units_title, height=440)
    fig.update_layout(yaxis2_title_text=profit_title)  # after styled(), which titles every y axis alike
    return fig


def scenario_bars(results: pd.DataFrame, title: str, y_title: str, names: dict) -> go.Figure:
    """Side-by-side bars per scenario: incremental revenue, discount cost and incremental gross
    margin (net of pull-forward and cannibalisation).

    ``results`` is ``promotions.simulate_promotions``'s first table; ``names`` maps the three
    column names to labels."""
    fig = go.Figure()
    for col, color in (("incremental_revenue", PRIMARY), ("discount_cost", MUTED), ("incremental_margin", GOOD)):
        values = results[col]
        fig.add_trace(go.Bar(x=plain(results["scenario"].astype(str)), y=values, name=names[col],
                             marker_color=[color if col != "incremental_margin" or v >= 0 else ACCENT for v in values],
                             hovertemplate="%{x}: %{y:,.0f}<extra>" + names[col] + "</extra>"))
    fig.add_hline(y=0, line_color="#333333", line_width=1)
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    return styled(fig, title, None, y_title, height=420)


def basket_threshold_histogram(values: pd.Series, tiers: list, title: str, x_title: str, y_title: str,
                               tier_label: str) -> go.Figure:
    """Distribution of basket values with each spend threshold marked (who is above, who is near)."""
    upper = float(values.quantile(0.99))
    if tiers:
        upper = max(upper, max(float(x) for x, _ in tiers) * 1.2)
    fig = go.Figure(go.Histogram(x=values.clip(upper=upper), nbinsx=60, marker_color=PRIMARY,
                                 hovertemplate="%{x}: %{y:,}<extra></extra>"))
    for spend, save in tiers:
        fig.add_vline(x=spend, line={"color": ACCENT, "width": 2, "dash": "dash"},
                      annotation_text=tier_label.format(spend=spend, save=save), annotation_position="top right")
    return styled(fig, title, x_title, y_title, height=380)


def policy_curves(curves: pd.DataFrame, value: str, names: dict, title: str, x_title: str, y_title: str) -> go.Figure:
    """One line per pricing policy over time (cumulative earnings or regret) with its 5-95% band.

    ``curves`` is ``PricingSimulation.curves``; ``value`` is 'cumulative' or 'regret'; ``names``
    maps policy keys to labels."""
    colours = {"fixed": MUTED, "epsilon_greedy": PRIMARY, "thompson": ACCENT}
    fills = {"fixed": "rgba(154, 165, 177, 0.15)", "epsilon_greedy": "rgba(46, 94, 170, 0.12)",
             "thompson": "rgba(228, 87, 46, 0.12)"}
    fig = go.Figure()
    for policy, rows in curves.groupby("policy", sort=False):
        fig.add_trace(go.Scatter(x=pd.concat([rows["period"], rows["period"][::-1]]),
                                 y=pd.concat([rows[f"{value}_high"], rows[f"{value}_low"][::-1]]), fill="toself",
                                 fillcolor=fills[policy], line={"width": 0}, showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=rows["period"], y=rows[value], mode="lines", name=names[policy],
                                 line={"color": colours[policy], "width": 2.5},
                                 hovertemplate="%{x}: %{y:,.0f}<extra>" + names[policy] + "</extra>"))
    fig.update_layout(legend={"orientation": "h", "y": -0.2}, hovermode="x unified")
    return styled(fig, title, x_title, y_title, height=400)



# === Segments page ================================================================================
SEGMENT_COLOURS = {"Champions": "#1B7837", "Loyal Customers": "#5AAE61", "Potential Loyalists": "#A6DBA0",
                   "New Customers": "#2E5EAA", "Promising": "#7FA7D9", "Need Attention": "#F6C85F",
                   "About to Sleep": "#F3A953", "At Risk": "#E4572E", "Can't Lose Them": "#B2182B",
                   "Hibernating": "#9AA5B1", "Lost": "#5D6D7E"}


def _money(labels: Mapping[str, str], number_format: str) -> str:
    """An amount in a hover: the reader's ``labels["money"]`` ("£{}") around Plotly's number format."""
    return labels.get("money", "{}").replace("{}", number_format, 1)


def segment_treemap(summary: pd.DataFrame, size: str, labels: Mapping[str, str], names: Mapping) -> go.Figure:
    """Segments as tiles sized by customers or revenue, coloured by segment, with both in the hover.

    ``summary`` is ``segments.segment_summary``; ``size`` is 'customers' or 'revenue'; ``labels``
    holds title, customers, revenue and money; ``names`` maps segment -> display name."""
    rows = summary[summary[size].fillna(0) > 0]
    fig = go.Figure(go.Treemap(
        labels=[names.get(s, s) for s in rows["segment"]], parents=[""] * len(rows), values=rows[size].clip(lower=0),
        marker={"colors": [SEGMENT_COLOURS.get(s, MUTED) for s in rows["segment"]]},
        customdata=rows[["customers", "customer_share", "revenue", "revenue_share"]].fillna(0).to_numpy(),
        texttemplate="<b>%{label}</b><br>%{customdata[1]:.0%} " + labels["customers"]
                     + "<br>%{customdata[3]:.0%} " + labels["revenue"],
        hovertemplate="<b>%{label}</b><br>" + labels["customers"] + ": %{customdata[0]:,} (%{customdata[1]:.1%})<br>"
                      + labels["revenue"] + ": " + _money(labels, "%{customdata[2]:,.0f}")
                      + " (%{customdata[3]:.1%})<extra></extra>",
        sort=True))
    return styled(fig, labels["title"], height=460)


def segment_share_bars(summary: pd.DataFrame, labels: Mapping[str, str], names: Mapping) -> go.Figure:
    """Each segment's share of customers beside its share of revenue (first rows on top).

    ``summary`` holds ``segment``, ``customer_share`` and optionally ``revenue_share``; ``labels``
    holds title, x, customer_share and revenue_share; ``names`` maps segment -> display name."""
    frame = summary.iloc[::-1]
    y = [names.get(s, s) for s in frame["segment"]]
    fig = go.Figure()
    for col, color in (("customer_share", MUTED), ("revenue_share", PRIMARY)):
        if col in frame.columns:
            fig.add_trace(go.Bar(x=frame[col], y=y, orientation="h", name=labels[col], marker_color=color,
                                 hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.15})
    fig.update_xaxes(tickformat=".0%")
    return styled(fig, labels["title"], labels["x"], None, height=max(360, 40 * len(frame) + 140))


def rfm_heatmap(grid: pd.DataFrame, labels: Mapping[str, str], names: Mapping) -> go.Figure:
    """Customers in every (R score, FM score) cell, each cell named by its segment.

    ``grid`` is ``segments.rfm_grid``; ``labels`` holds title, x, y, customers, r and fm;
    ``names`` maps segment -> display name."""
    z = grid.pivot(index="fm_score", columns="r_score", values="customers").sort_index()
    seg = grid.pivot(index="fm_score", columns="r_score", values="segment").sort_index()
    text = [[f"{names.get(seg.loc[f, r], seg.loc[f, r])}<br>{int(z.loc[f, r]):,}" for r in z.columns] for f in z.index]
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(), x=[str(c) for c in z.columns], y=[str(i) for i in z.index], text=text,
        texttemplate="%{text}", textfont={"size": 10}, colorscale="Blues",
        colorbar={"title": {"text": labels["customers"]}},
        hovertemplate=labels["r"] + " %{x}, " + labels["fm"] + " %{y}<br>%{text}<extra></extra>"))
    return styled(fig, labels["title"], labels["x"], labels["y"], height=460)


def cluster_elbow(selection: pd.DataFrame, chosen: int, labels: Mapping[str, str]) -> go.Figure:
    """How much of the spread each number of clusters leaves, and its silhouette, with the choice
    marked; ``labels`` holds title, x, spread, silhouette and chosen."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=selection["k"], y=selection["spread"], mode="lines+markers", name=labels["spread"],
                             line={"color": PRIMARY}, hovertemplate="k=%{x}: %{y:.0%}<extra></extra>"))
    fig.add_trace(go.Scatter(x=selection["k"], y=selection["silhouette"], mode="lines+markers",
                             name=labels["silhouette"], yaxis="y2", line={"color": MUTED, "dash": "dot"},
                             hovertemplate="k=%{x}: %{y:.2f}<extra></extra>"))
    fig.add_vline(x=chosen, line={"color": ACCENT, "width": 2}, annotation_text=labels["chosen"])
    fig.update_layout(yaxis={"tickformat": ".0%"}, legend={"orientation": "h", "y": -0.25},
                      yaxis2={"title": {"text": labels["silhouette"]}, "overlaying": "y", "side": "right",
                              "showgrid": False})
    return styled(fig, labels["title"], labels["x"], labels["spread"], height=360)


def cluster_scatter(projection: pd.DataFrame, labels: Mapping[str, str], names: Mapping) -> go.Figure:
    """Customers on the two main directions of their behaviour, coloured by cluster.

    ``projection`` has x, y, cluster, customer_id; ``labels`` holds title, x and y; ``names``
    maps cluster -> display name."""
    fig = go.Figure()
    for i, (cluster, rows) in enumerate(projection.groupby("cluster", sort=True)):
        fig.add_trace(go.Scattergl(x=rows["x"], y=rows["y"], mode="markers",
                                   name=plain(f"{cluster}. {names.get(cluster, '')}"),
                                   marker={"size": 4, "opacity": 0.55, "color": PALETTE[i % len(PALETTE)]},
                                   customdata=plain(rows["customer_id"].astype(str)),
                                   hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    fig.update_layout(legend={"orientation": "h", "y": -0.2, "itemsizing": "constant"})
    return styled(fig, labels["title"], labels["x"], labels["y"], height=480)


def clv_histogram(bands: pd.DataFrame, mean: float, median: float, labels: Mapping[str, str]) -> go.Figure:
    """Customers per band of lifetime value (``clv.value_bands``: the top 1% folded into the last
    band) with the mean and median marked; ``labels`` holds title, x, y, mean and median."""
    fig = go.Figure(go.Bar(x=(bands["lower"] + bands["upper"]) / 2, y=bands["customers"],
                           width=bands["upper"] - bands["lower"], marker_color=PRIMARY,
                           customdata=bands[["lower", "upper"]].to_numpy(),
                           hovertemplate="%{customdata[0]:,.0f}–%{customdata[1]:,.0f}: %{y:,}<extra></extra>"))
    fig.add_vline(x=median, line={"color": GOOD, "width": 2, "dash": "dash"}, annotation_text=labels["median"],
                  annotation_position="top left" if median <= mean else "top right")
    fig.add_vline(x=mean, line={"color": ACCENT, "width": 2}, annotation_text=labels["mean"],
                  annotation_position="top right" if median <= mean else "top left")
    fig.update_layout(bargap=0)
    return styled(fig, labels["title"], labels["x"], labels["y"], height=380)


def p_alive_heatmap(matrix: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """P(alive) by repeat purchases (rows) and time from first to last purchase (columns).

    ``matrix`` is ``clv.p_alive_matrix`` with recency in the unit of ``labels["x"]``; ``labels``
    holds title, x, y and p_alive."""
    z = matrix.pivot(index="frequency", columns="recency", values="p_alive").sort_index()
    x_title, y_title, name = labels["x"], labels["y"], labels["p_alive"]
    fig = go.Figure(go.Heatmap(z=z.to_numpy(), x=z.columns.to_numpy(), y=z.index.to_numpy(), zmin=0, zmax=1,
                               colorscale="RdYlGn", colorbar={"title": {"text": name}, "tickformat": ".0%"},
                               hovertemplate=f"{y_title}: %{{y}}<br>{x_title}: %{{x:.0f}}<br>{name}: "
                                             "%{z:.0%}<extra></extra>"))
    return styled(fig, labels["title"], x_title, y_title, height=420)


def holdout_bars(by_frequency: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Actual holdout purchases per customer beside the model's and the naive rule's predictions,
    for customers grouped by their repeat purchases in the calibration period; ``labels`` holds
    title, x, y, actual, model and naive."""
    fig = go.Figure()
    for col, colour in (("actual", "#333333"), ("model", PRIMARY), ("naive", MUTED)):
        fig.add_trace(go.Bar(x=by_frequency["frequency_group"], y=by_frequency[col], name=labels[col],
                             marker_color=colour, hovertemplate="%{x}: %{y:.2f}<extra>" + labels[col] + "</extra>"))
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    return styled(fig, labels["title"], labels["x"], labels["y"], height=400)


def segment_value_bars(value: pd.DataFrame, labels: Mapping[str, str], names: Mapping) -> go.Figure:
    """Total lifetime value per segment and the part at risk (customers whose P(alive) is falling);
    ``labels`` holds title, x, safe and risk; ``names`` maps segment -> display name."""
    rows = value[value["customers"] > 0]
    y = [names.get(s, s) for s in rows["segment"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=y, x=rows["total_clv"] - rows["value_at_risk"].fillna(0), orientation="h",
                         name=labels["safe"], marker_color=GOOD, hovertemplate="%{y}: %{x:,.0f}<extra></extra>"))
    fig.add_trace(go.Bar(y=y, x=rows["value_at_risk"].fillna(0), orientation="h", name=labels["risk"],
                         marker_color=ACCENT, hovertemplate="%{y}: %{x:,.0f}<extra></extra>"))
    fig.update_layout(barmode="stack", yaxis={"autorange": "reversed"}, legend={"orientation": "h", "y": -0.2})
    return styled(fig, labels["title"], labels["x"], None, height=420)


def migration_sankey(flows: pd.DataFrame, value: str, labels: Mapping[str, str], names: Mapping) -> go.Figure:
    """Customers flowing from their segment at the first date (left) to the second (right); link
    width by customers or by the revenue at stake, both in the hover. ``labels`` holds title,
    customers, revenue_before, revenue_between and money; ``names`` maps segment -> display name."""
    starts = list(dict.fromkeys(flows["segment_start"]))
    ends = list(dict.fromkeys(flows["segment_end"]))
    idx_start = {s: i for i, s in enumerate(starts)}
    idx_end = {s: len(starts) + i for i, s in enumerate(ends)}
    node_colours = [SEGMENT_COLOURS.get(s, MUTED) for s in starts + ends]
    link_colours = [SEGMENT_COLOURS.get(s, MUTED) for s in flows["segment_start"]]
    link_colours = [f"rgba({int(c[1:3], 16)}, {int(c[3:5], 16)}, {int(c[5:7], 16)}, 0.35)" for c in link_colours]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": [names.get(s, s) for s in starts] + [names.get(s, s) for s in ends], "color": node_colours,
              "pad": 12, "thickness": 16},
        link={"source": flows["segment_start"].map(idx_start), "target": flows["segment_end"].map(idx_end),
              "value": flows[value].clip(lower=0), "color": link_colours,
              "customdata": flows[["customers", "revenue_before", "revenue_between"]].to_numpy(),
              "hovertemplate": "%{source.label} → %{target.label}<br>" + labels["customers"]
                               + ": %{customdata[0]:,}<br>" + labels["revenue_before"] + ": "
                               + _money(labels, "%{customdata[1]:,.0f}") + "<br>" + labels["revenue_between"] + ": "
                               + _money(labels, "%{customdata[2]:,.0f}") + "<extra></extra>"}))
    return styled(fig, labels["title"], height=560)


def omnichannel_bars(mix: pd.DataFrame, labels: Mapping[str, str], names: Mapping) -> go.Figure:
    """Share of each segment's customers buying online only, offline only or in both; ``labels``
    holds title and x; ``names`` maps segments and channel types -> display names."""
    colours = {"online only": PRIMARY, "offline only": MUTED, "both": GOOD}
    mix = mix[mix.groupby("segment")["customers"].transform("sum") > 0]
    fig = go.Figure()
    for kind, rows in mix.groupby("channel_type", sort=False):
        fig.add_trace(go.Bar(y=[names.get(s, s) for s in rows["segment"]], x=rows["share"], orientation="h",
                             name=names.get(kind, kind), marker_color=colours.get(kind, ACCENT),
                             customdata=rows[["customers"]].to_numpy(),
                             hovertemplate="%{y}: %{x:.0%} (%{customdata[0]:,})<extra>" + names.get(kind, kind)
                                           + "</extra>"))
    fig.update_layout(barmode="stack", xaxis={"tickformat": ".0%"}, yaxis={"autorange": "reversed"},
                      legend={"orientation": "h", "y": -0.2})
    return styled(fig, labels["title"], labels["x"], None, height=440)


# === Coupons page =================================================================================
# Each takes ``labels``: its words from the catalogue (``text.chart_labels``: title, x, y and the
# names of its traces, plus "money", how an amount reads).
def lift_bars(results: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Relative lift of every treatment arm over control, grouped by outcome, with 95% intervals.

    ``results`` is ``experiments.compare_outcomes`` output (control rows are skipped)."""
    treated = results[results["lift_low"].notna()]
    fig = go.Figure()
    for i, (arm, rows) in enumerate(treated.groupby("arm", sort=False)):
        fig.add_trace(go.Bar(
            x=plain(rows["outcome"].astype(str)), y=rows["rel_lift"], name=plain(str(arm)),
            marker_color=PALETTE[i % len(PALETTE)],
            error_y={"type": "data", "symmetric": False, "array": rows["rel_lift_high"] - rows["rel_lift"],
                     "arrayminus": rows["rel_lift"] - rows["rel_lift_low"], "color": "#444"},
            hovertemplate="%{x}: %{y:+.1%}<extra>%{fullData.name}</extra>"))
    fig.add_hline(y=0, line_color=MUTED)
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.18})
    fig.update_yaxes(tickformat="+.0%")
    return styled(fig, labels["title"], labels["x"], labels["y"])


def qini_curves(curves: pd.DataFrame, best: str, labels: Mapping[str, str], names: Mapping) -> go.Figure:
    """Qini curves of every model, the best one bold, with the random-targeting diagonal.

    ``curves`` holds ``model``, ``share`` (0-1) and ``qini`` (incremental buyers); ``names`` maps
    models to display names; ``labels`` also holds "random"."""
    fig = go.Figure()
    for i, (model, rows) in enumerate(curves.groupby("model", sort=False)):
        name = plain(str(names.get(model, model)))
        fig.add_trace(go.Scatter(x=rows["share"], y=rows["qini"], mode="lines", name=name,
                                 line={"width": 4 if model == best else 2, "color": PALETTE[i % len(PALETTE)]},
                                 hovertemplate="%{x:.0%}: %{y:,.1f}<extra>%{fullData.name}</extra>"))
    end = curves.sort_values("share").groupby("model")["qini"].last().mean()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, end], mode="lines", name=labels["random"],
                             line={"dash": "dash", "color": MUTED}, hoverinfo="skip"))
    fig.update_xaxes(tickformat=".0%")
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return styled(fig, labels["title"], labels["x"], labels["y"])


def uplift_deciles(deciles: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Observed uplift per decile of predicted uplift in percentage points (bars with 95% intervals)
    and the predicted uplift as a line. ``deciles`` is ``uplift.uplift_by_decile`` output; ``labels``
    also holds "observed" and "predicted"."""
    pts = deciles[["uplift", "uplift_low", "uplift_high", "predicted_uplift"]] * 100
    fig = go.Figure(go.Bar(
        x=deciles["decile"], y=pts["uplift"], name=labels["observed"], marker_color=PRIMARY,
        error_y={"type": "data", "symmetric": False, "array": pts["uplift_high"] - pts["uplift"],
                 "arrayminus": pts["uplift"] - pts["uplift_low"], "color": "#444"},
        hovertemplate="%{x}: %{y:+.1f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=deciles["decile"], y=pts["predicted_uplift"], mode="lines+markers",
                             name=labels["predicted"], line={"color": ACCENT},
                             hovertemplate="%{x}: %{y:+.1f}<extra></extra>"))
    fig.add_hline(y=0, line_color=MUTED)
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(tickformat="+.0f")
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return styled(fig, labels["title"], labels["x"], labels["y"])


def profit_curves(curves: pd.DataFrame, chosen_share: float | None, labels: Mapping[str, str]) -> go.Figure:
    """Cumulative expected incremental profit against the share of customers targeted, per coupon.

    ``curves`` is ``targeting.profit_curve`` output; ``labels`` also holds "best coupon" and "plan"
    (the vertical marker at the chosen plan's share)."""
    fig = go.Figure()
    for i, (coupon, rows) in enumerate(curves.groupby("coupon", sort=False)):
        best = coupon == "best coupon"
        fig.add_trace(go.Scatter(
            x=rows["share_targeted"], y=rows["expected_incremental_profit"], mode="lines",
            name=plain(str(labels["best coupon"] if best else coupon)),
            line={"width": 4 if best else 2, "color": PRIMARY if best else PALETTE[(i + 1) % len(PALETTE)]},
            hovertemplate="%{x:.0%}: " + _money(labels, "%{y:,.0f}") + "<extra>%{fullData.name}</extra>"))
    if chosen_share is not None:
        fig.add_vline(x=chosen_share, line_dash="dot", line_color=GOOD, annotation_text=labels["plan"],
                      annotation_position="top right")
    fig.add_hline(y=0, line_color=MUTED)
    peak = curves["expected_incremental_profit"].max()
    if peak > 0:  # keep the peak readable; losses from targeting everyone run off the bottom
        fig.update_yaxes(range=[max(curves["expected_incremental_profit"].min(), -2 * peak) * 1.05, 1.25 * peak])
    fig.update_xaxes(tickformat=".0%")
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return styled(fig, labels["title"], labels["x"], labels["y"])


def strategy_bars(comparison: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Expected incremental profit of each targeting strategy (its name in words); strategies over
    budget are hatched. ``labels`` also holds "over_budget"."""
    frame = comparison.iloc[::-1]
    names = plain([f"{s} ({c})" for s, c in zip(frame["strategy"], frame["coupon"])])
    colours = [GOOD if p > 0 else ACCENT for p in frame["expected_incremental_profit"]]
    fig = go.Figure(go.Bar(
        x=frame["expected_incremental_profit"], y=names, orientation="h", marker_color=colours,
        marker_pattern_shape=["" if ok else "/" for ok in frame["within_budget"]],
        customdata=[("" if ok else labels["over_budget"]) for ok in frame["within_budget"]],
        hovertemplate="%{y}: " + _money(labels, "%{x:,.0f}") + " %{customdata}<extra></extra>"))
    fig.add_vline(x=0, line_color=MUTED)
    return styled(fig, labels["title"], labels["x"], labels["y"], height=max(320, 40 * len(frame) + 120))


def points_over_time(table: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Loyalty points money over time: expected liability, face value of outstanding points and the
    monthly redemption cost. ``table`` is ``loyalty.simulate_points(...).table``; ``labels`` also
    names those three columns."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=table["month"], y=table["redemption_cost"], name=labels["redemption_cost"],
                         marker_color=MUTED, hovertemplate=_money(labels, "%{y:,.0f}") + "<extra></extra>"))
    for col, colour, dash in (("liability", PRIMARY, None), ("liability_face_value", ACCENT, "dot")):
        fig.add_trace(go.Scatter(x=table["month"], y=table[col], mode="lines", name=labels[col],
                                 line={"color": colour, "dash": dash, "width": 3},
                                 hovertemplate=_money(labels, "%{y:,.0f}") + "<extra></extra>"))
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return styled(fig, labels["title"], labels["x"], labels["y"])


def mde_curve(curve: pd.DataFrame, current_n: int | None, binary: bool, labels: Mapping[str, str]) -> go.Figure:
    """Smallest detectable lift against customers per arm (``experiments.power_curve`` output);
    ``labels`` also holds "mde" and "current"."""
    y = curve["mde"] * (100 if binary else 1)
    fig = go.Figure(go.Scatter(x=curve["n_per_arm"], y=y, mode="lines", line={"color": PRIMARY, "width": 3},
                               name=labels["mde"], hovertemplate="%{x:,}: %{y:.2f}<extra></extra>"))
    if current_n:
        fig.add_vline(x=current_n, line_dash="dot", line_color=GOOD, annotation_text=labels["current"])
    fig.update_xaxes(type="log")
    return styled(fig, labels["title"], labels["x"], labels["y"])


# === Marketing ROI page ===========================================================================

def mmm_roas(channels: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Every channel's ROAS with its interval, a line at 1 (a channel below it returned less than
    it cost). ``channels`` is ``mmm.MediaMix.channels``; ``labels`` holds title, x, y, break_even."""
    rows = channels.sort_values("roas")
    colours = [GOOD if low > 1 else (ACCENT if high < 1 else MUTED)
               for low, high in zip(rows["roas_low"], rows["roas_high"])]
    fig = go.Figure(go.Bar(
        y=plain([str(c) for c in rows.index]), x=rows["roas"], orientation="h", marker_color=colours,
        error_x={"type": "data", "symmetric": False, "array": rows["roas_high"] - rows["roas"],
                 "arrayminus": rows["roas"] - rows["roas_low"], "color": "#444"},
        hovertemplate="%{y}: %{x:.2f}<extra></extra>"))
    fig.add_vline(x=1, line_dash="dash", line_color=MUTED, annotation_text=plain(labels["break_even"]))
    return styled(fig, labels["title"], labels["x"], labels["y"])


def mmm_contributions(contributions: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Revenue per period split into the baseline and each channel's contribution (stacked).
    ``contributions`` is ``mmm.MediaMix.contributions``; ``labels`` holds title, x, y, baseline."""
    fig = go.Figure()
    money = _money(labels, "%{y:,.0f}")
    for i, column in enumerate(contributions.columns):
        name = labels["baseline"] if column == "baseline" else str(column)
        fig.add_trace(go.Scatter(x=contributions.index, y=contributions[column], name=plain(name), stackgroup="one",
                                 mode="lines", line={"width": 0.5, "color": MUTED if column == "baseline"
                                                     else PALETTE[i % len(PALETTE)]},
                                 hovertemplate=f"%{{x|%Y-%m-%d}}: {money}<extra>%{{fullData.name}}</extra>"))
    fig.update_layout(legend={"orientation": "h", "y": -0.18})
    return styled(fig, labels["title"], labels["x"], labels["y"])


def mmm_response(curve: pd.DataFrame, current_spend: float, current_revenue: float,
                 labels: Mapping[str, str]) -> go.Figure:
    """One channel's response curve (revenue per period at a steady spend per period) with its
    interval band and today's spend marked. ``curve`` holds spend, revenue, low, high; ``labels``
    title, x, y, interval, today."""
    fig = go.Figure([
        go.Scatter(x=curve["spend"], y=curve["high"], mode="lines", line={"width": 0}, showlegend=False,
                   hoverinfo="skip"),
        go.Scatter(x=curve["spend"], y=curve["low"], mode="lines", line={"width": 0}, fill="tonexty",
                   fillcolor="rgba(46,94,170,0.15)", name=plain(labels["interval"]), hoverinfo="skip"),
        go.Scatter(x=curve["spend"], y=curve["revenue"], mode="lines", line={"color": PRIMARY, "width": 3},
                   name=plain(labels["title"]), showlegend=False,
                   hovertemplate="%{x:,.0f} → %{y:,.0f}<extra></extra>"),
        go.Scatter(x=[current_spend], y=[current_revenue], mode="markers", name=plain(labels["today"]),
                   marker={"color": ACCENT, "size": 12, "symbol": "diamond"},
                   hovertemplate="%{x:,.0f} → %{y:,.0f}<extra></extra>")])
    fig.update_layout(legend={"orientation": "h", "y": -0.18})
    return styled(fig, labels["title"], labels["x"], labels["y"])


def mmm_fit(kpi: pd.Series, fitted: pd.Series, holdout: pd.Series | None, labels: Mapping[str, str]) -> go.Figure:
    """Revenue per period against the model's fit and, for the held-out periods, the prediction of
    a fit that did not see them. ``labels`` holds title, x, y, actual, fitted, holdout."""
    fig = go.Figure([
        go.Scatter(x=kpi.index, y=kpi, mode="lines", name=plain(labels["actual"]), line={"color": "#333"}),
        go.Scatter(x=fitted.index, y=fitted, mode="lines", name=plain(labels["fitted"]),
                   line={"color": PRIMARY, "dash": "dot"})])
    if holdout is not None:
        fig.add_trace(go.Scatter(x=holdout.index, y=holdout, mode="lines+markers", name=plain(labels["holdout"]),
                                 line={"color": ACCENT}))
        fig.add_vrect(x0=holdout.index[0], x1=holdout.index[-1], fillcolor=MUTED, opacity=0.15, line_width=0)
    fig.update_layout(legend={"orientation": "h", "y": -0.18})
    return styled(fig, labels["title"], labels["x"], labels["y"])


def mmm_allocation(table: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Spend per period per channel today and in the proposed split (``mmm.Allocation.table``);
    ``labels`` holds title, x, y, current, proposed."""
    names = plain([str(c) for c in table.index])
    fig = go.Figure([
        go.Bar(x=names, y=table["current_spend"], name=plain(labels["current"]), marker_color=MUTED,
               hovertemplate="%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>"),
        go.Bar(x=names, y=table["proposed_spend"], name=plain(labels["proposed"]), marker_color=PRIMARY,
               hovertemplate="%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>")])
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.18})
    return styled(fig, labels["title"], labels["x"], labels["y"])


# === Retention (a tab of the Segments page) ========================================================
BAND_COLOURS = {"low": GOOD, "medium": "#F3A953", "high": ACCENT}


def churn_bands_by_segment(by_segment: pd.DataFrame, labels: Mapping[str, str], names: Mapping,
                           band_names: Mapping) -> go.Figure:
    """Customers of each segment in each churn-risk band, stacked (low, medium, high).

    ``by_segment`` is ``analyses.retention.Result.by_segment`` (segment, band, customers,
    share_of_segment); ``labels`` holds title and x; ``names`` maps segment -> display name,
    ``band_names`` band -> display name."""
    order = list(dict.fromkeys(by_segment["segment"]))
    fig = go.Figure()
    for band, colour in BAND_COLOURS.items():
        rows = by_segment[by_segment["band"] == band].set_index("segment").reindex(order)
        fig.add_trace(go.Bar(y=[names.get(s, s) for s in order], x=rows["customers"].fillna(0), orientation="h",
                             name=band_names.get(band, band), marker_color=colour,
                             customdata=rows["share_of_segment"].fillna(0).to_numpy(),
                             hovertemplate="%{y}: %{x:,} (%{customdata:.0%})<extra>" + band_names.get(band, band)
                                           + "</extra>"))
    fig.update_layout(barmode="stack", yaxis={"autorange": "reversed"}, legend={"orientation": "h", "y": -0.2})
    return styled(fig, labels["title"], labels["x"], None, height=max(360, 34 * len(order) + 140))


def churn_calibration(calibration: pd.DataFrame, labels: Mapping[str, str], route_names: Mapping) -> go.Figure:
    """Predicted churn probability against the share who really bought nothing, per group of
    customers and route (``retention.ChurnRisk.calibration``), with the diagonal a calibrated route
    would follow; ``labels`` holds title, x, y and diagonal."""
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=labels["diagonal"],
                               line={"color": MUTED, "dash": "dot"}, hoverinfo="skip"))
    for i, (route, rows) in enumerate(calibration.groupby("route", sort=False)):
        name = route_names.get(route, route)
        fig.add_trace(go.Scatter(x=rows["predicted"], y=rows["observed"], mode="lines+markers", name=name,
                                 line={"color": (PRIMARY, ACCENT, "#333333")[i % 3]},
                                 customdata=rows["customers"].to_numpy(),
                                 hovertemplate="%{x:.0%} → %{y:.0%} (%{customdata:,})<extra>" + name + "</extra>"))
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return styled(fig, labels["title"], labels["x"], labels["y"], height=420)


def _cohort_names(cohorts: pd.Series, period: str) -> list[str]:
    """A cohort's label: its first day's year and month ('2024-11'), week ('2024-11-25'), quarter or year."""
    stamps = pd.to_datetime(cohorts)
    if period == "W":
        return [f"{d:%Y-%m-%d}" for d in stamps]
    if period == "Q":
        return [f"{d.year}-Q{d.quarter}" for d in stamps]
    return [f"{d:%Y}" if period == "Y" else f"{d:%Y-%m}" for d in stamps]


def cohort_heatmap(cohorts: pd.DataFrame, period: str, labels: Mapping[str, str]) -> go.Figure:
    """Share of each first-purchase cohort (rows) buying in each period since (columns), as
    Shopify's cohort report; ``cohorts`` is ``retention.cohort_table``; ``labels`` holds title, x,
    y and share."""
    z = cohorts.pivot(index="cohort", columns="period", values="customer_share").sort_index()
    size = cohorts.pivot(index="cohort", columns="period", values="cohort_customers").sort_index().max(axis=1)
    y = [f"{name} ({n:,})" for name, n in zip(_cohort_names(z.index.to_series(), period), size.astype(int))]
    fig = go.Figure(go.Heatmap(z=z.to_numpy(), x=[str(c) for c in z.columns], y=y, zmin=0, zmax=1,
                               colorscale="Blues", colorbar={"title": {"text": labels["share"]}, "tickformat": ".0%"},
                               texttemplate="%{z:.0%}", textfont={"size": 9},
                               hovertemplate="%{y}, +%{x}: %{z:.1%}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category")
    return styled(fig, labels["title"], labels["x"], labels["y"], height=max(380, 22 * len(y) + 160))


def cohort_curves(cohorts: pd.DataFrame, period: str, labels: Mapping[str, str], last: int = 12) -> go.Figure:
    """The share of each of the ``last`` cohorts still buying, period by period after the first
    (period 0 is 100 % by definition, so curves start at period 1); ``labels`` holds title, x, y."""
    keep = sorted(cohorts["cohort"].unique())[-last:]
    fig = go.Figure()
    for i, cohort in enumerate(keep):
        rows = cohorts[(cohorts["cohort"] == cohort) & (cohorts["period"] > 0)]
        if rows.empty:
            continue
        name = _cohort_names(pd.Series([cohort]), period)[0]
        fig.add_trace(go.Scatter(x=rows["period"], y=rows["customer_share"] * 100, mode="lines+markers", name=name,
                                 line={"color": PALETTE[i % len(PALETTE)]},
                                 hovertemplate="+%{x}: %{y:.1f}%<extra>" + name + "</extra>"))
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return styled(fig, labels["title"], labels["x"], labels["y"], height=420)


# === Journeys page ================================================================================
def funnel_bars(stages: pd.DataFrame, label: str, title: str, x_title: str, y_title: str) -> go.Figure:
    """The funnel: visits reaching each step (``sessions``), first step on top, each bar marked
    with its count and its share of all visits (``share``)."""
    frame = stages.iloc[::-1]
    fig = go.Figure(go.Bar(x=frame["sessions"], y=plain(frame[label].astype(str)), orientation="h",
                           marker_color=PRIMARY, customdata=frame["share"],
                           text=[f"{n:,.0f} ({s:.0%})" for n, s in zip(frame["sessions"], frame["share"])],
                           textposition="auto",
                           hovertemplate="%{y}: %{x:,.0f} (%{customdata:.1%})<extra></extra>"))
    return styled(fig, title, x_title, y_title, height=320)


def rate_interval_bars(frame: pd.DataFrame, label: str, rate: str, title: str, x_title: str,
                       y_title: str) -> go.Figure:
    """A rate per group (``rate``, a share) with its interval (``<rate>_low``, ``<rate>_high``) as
    error bars, highest on top: whether two groups differ beyond chance shows at a glance."""
    frame = frame.sort_values(rate).reset_index(drop=True)
    fig = go.Figure(go.Bar(x=frame[rate], y=plain(frame[label].astype(str).str.slice(0, 40)), orientation="h",
                           marker_color=PRIMARY,
                           error_x={"type": "data", "symmetric": False, "array": frame[f"{rate}_high"] - frame[rate],
                                    "arrayminus": frame[rate] - frame[f"{rate}_low"], "color": MUTED},
                           hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    return styled(fig, title, x_title, y_title, height=140 + 30 * len(frame))
