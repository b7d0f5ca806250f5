"""Plotly figure builders: data in, ``go.Figure`` out. Every figure has a title and axis titles
with units, so a chart explains itself when it lands in a report.

Sections below belong to one page each; shared styling is at the top.
"""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

PALETTE = px.colors.qualitative.Safe
PRIMARY = "#2E5EAA"
ACCENT = "#E4572E"
GOOD = "#3A9D5D"
MUTED = "#9AA5B1"


def styled(fig: go.Figure, title: str, x_title: str | None = None, y_title: str | None = None,
           height: int = 420) -> go.Figure:
    """The house style: title, axis titles (with units), white background, compact margins."""
    fig.update_layout(title={"text": title, "x": 0.01, "xanchor": "left"}, template="plotly_white", height=height,
                      margin={"l": 60, "r": 20, "t": 60, "b": 50}, legend={"title": {"text": ""}},
                      colorway=PALETTE, font={"family": "Inter, Segoe UI, Microsoft YaHei, sans-serif"})
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
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
    labels = frame[label].astype(str).str.slice(0, 40)
    fig = go.Figure(go.Bar(x=frame[value], y=labels, orientation="h", marker_color=color,
                           hovertemplate="%{y}: %{x:,.2f}<extra></extra>"))
    return styled(fig, title, x_title, None, height=height)


def share_donut(frame: pd.DataFrame, label: str, value: str, title: str) -> go.Figure:
    """Shares of a whole (e.g. orders by channel)."""
    fig = go.Figure(go.Pie(labels=frame[label], values=frame[value], hole=0.5, sort=False,
                           marker={"colors": PALETTE}, textinfo="label+percent"))
    return styled(fig, title, height=360)
