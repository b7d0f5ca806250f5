"""Price sensitivity that holds for a small shop (periods without a sale) and for wholesale prices
(quantity-discount schedules): issue 14, item 4.

Before/after on the demo (category elasticities; planted truth in brackets; 90% interval covers
the truth in n of 10 categories). Measured 2026-12-04 with ``fit_demand(..., empty_periods=False)``
(before: the panel held only product-weeks with sales) against the default (after):

4,000 customers, seed 0 (9.1% of product-weeks without a sale):
    category                 truth   before   after
    Bakery                   -1.10   -0.97    -1.09
    Beverages                -1.50   -1.20    -1.47
    Dairy & Eggs             -0.90   -0.79    -0.94
    Electronics Accessories  -2.40   -1.76    -2.33
    Fresh Produce            -0.70   -0.57    -0.69
    Home & Kitchen           -2.00   -1.57    -1.99
    Household                -1.30   -1.03    -1.26
    Personal Care            -1.20   -0.99    -1.16
    Snacks                   -1.80   -1.64    -1.91
    Toys & Gifts             -1.60   -1.27    -1.56
    mean bias +0.27 -> +0.01, largest error 0.64 -> 0.11, intervals covering 3 -> 10 of 10.
Seeds 1-5 (largest error before -> after; covering before -> after): 0.41 -> 0.152, 4 -> 10;
0.48 -> 0.13, 4 -> 9; 0.67 -> 0.25, 2 -> 6; 0.58 -> 0.07, 2 -> 10; 0.60 -> 0.22, 5 -> 7. The mean
bias is gone in every seed (+0.18..+0.27 before, -0.08..+0.01 after), but "every category within
0.15" holds in seeds 0, 2 and 4 only: at 4,000 customers a category's standard error is about
0.08, so the largest of ten errors passes 0.15 by chance alone: fitting on the demo's *true*
weekly prices (sample_data's planted price table) gives 0.16 and 0.18, 9 and 7 of 10 covering, in
seeds 0 and 1 (mean bias +0.08 and +0.03, of which about 0.03 comes from the campaign's two weeks,
whose orders the demo does not thin by price). The inferred shelf price of an empty week equals the
planted one in 92% of empty weeks, is higher in 7% and lower in 1% (seeds 0, 1, 5), which makes the
estimates about 0.06 steeper than on the true prices. The test below therefore asserts the bias
per seed, the coverage per seed on seeds 0-2, and the 0.15 bar on each category's error averaged
over those seeds.

20,000 customers, seed 0 (19 product-weeks of 52,000 without a sale): every category within 0.01 of
before (largest error 0.065 -> 0.064, 9 of 10 covering in both).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core import pricing, sample_data
from promo_core.analyses import pricing as analysis
from promo_core.errors import DataError
from promo_core.io import finalize_transactions, load_transactions
from promo_core.text import render


# --- periods without a sale: hand-checked ---------------------------------------------------------
def lines(rows):
    return pd.DataFrame(rows, columns=["product_id", "order_date", "quantity", "unit_price"]).assign(
        order_date=lambda f: pd.to_datetime(f["order_date"]), category="c")


def test_empty_weeks_come_back_at_the_shelf_price_in_force_within_the_selling_life():
    tx = lines([("a", "2024-01-01", 2, 5.0), ("a", "2024-01-08", 9, 4.0),   # a promotion in week 2
                ("a", "2024-01-29", 1, 5.0),                                 # weeks 3 and 4 without a sale
                ("b", "2024-01-15", 3, 6.0), ("b", "2024-02-05", 2, 5.5)])   # b: a permanent cut, then a sale
    panel = pricing.price_panel(tx).set_index(["product_id", "period"])
    a = panel.loc["a"]
    assert list(a.index.strftime("%m-%d")) == ["01-01", "01-08", "01-15", "01-22", "01-29"]
    assert a["units"].tolist() == [2, 9, 0, 0, 1]
    # after the promotion the price went back up: the later price, not the promotion's
    assert a["price"].tolist() == [5.0, 4.0, 5.0, 5.0, 5.0]
    assert a["empty"].tolist() == [False, False, True, True, False]
    assert a["price_source"].tolist() == ["paid", "paid", "shelf", "shelf", "paid"]
    b = panel.loc["b"]  # nothing before its first sale; the empty weeks keep the higher of the two prices
    assert b["price"].tolist() == [6.0, 6.0, 6.0, 5.5] and b["units"].tolist() == [3, 0, 0, 2]
    assert b["paid_price"].isna().tolist() == [False, True, True, False]
    before = pricing.price_panel(tx, empty_periods=False)
    assert len(before) == 5 and not before["empty"].any()


def test_a_price_list_prices_every_period_it_covers():
    tx = lines([("a", "2024-01-01", 2, 5.0), ("a", "2024-01-08", 9, 4.0), ("a", "2024-01-29", 1, 5.0)])
    plist = pricing.PriceList.from_frame(pd.DataFrame({"product_id": ["a", "a"], "list_price": [5.0, 5.5],
                                                       "valid_from": ["2023-12-01", "2024-01-15"]}))
    panel = pricing.price_panel(tx, price_list=plist)
    assert panel["price"].tolist() == [5.0, 5.0, 5.5, 5.5, 5.5]
    assert (panel["price_source"] == "price_list").all()
    assert panel["paid_price"].tolist()[:2] == [5.0, 4.0]


def test_a_price_list_without_product_or_price_is_a_clear_error(tmp_path):
    with pytest.raises(DataError) as caught:
        pricing.PriceList.from_frame(pd.DataFrame({"sku": ["a"], "cost": [1.0]}))
    assert caught.value.id == "pricing.error.price_list_columns"
    path = tmp_path / "prices.csv"
    path.write_text("SKU;Description\nA1;Mug\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        pricing.read_price_list(path)
    assert caught.value.id == "pricing.error.price_list_columns" and "Description" in render(caught.value.message)
    path.write_text("SKU,RRP,Valid From\nA1,4.99,2024-01-01\nA2,oops,2024-01-01\nA3,£2.50,2024-02-01\n"
                    "A4,1.00,\nA5,1.00,someday\n")
    assert pricing.read_price_list(path).items == (("A1", "2024-01-01", 4.99), ("A3", "2024-02-01", 2.5),
                                                   ("A4", None, 1.0))  # (no date: throughout; a bad date: left out)


# --- the demo: planted elasticities ---------------------------------------------------------------
SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def small_shop():
    """Category estimates on the 4,000-customer demo (seeds 0-2), before (weeks with sales only)
    and after (empty weeks back), with the planted truth."""
    out = {}
    for seed in SEEDS:
        demo = sample_data.generate(seed, n_customers=4000)
        tx = finalize_transactions(demo.transactions)
        truth = demo.truth.category_elasticity
        out[seed] = {name: pricing.fit_demand(tx, "W", empty_periods=empty).categories.set_index("category")
                     for name, empty in (("before", False), ("after", True))} | {"truth": truth}
    return out


def test_small_shop_elasticities_are_no_longer_pulled_toward_zero(small_shop):
    errors = []
    for seed, fits in small_shop.items():
        truth = fits["truth"]
        before, after = (fits[k]["elasticity"] - truth.reindex(fits[k].index) for k in ("before", "after"))
        assert before.mean() > 0.2 and (before > 0).sum() >= 9, f"seed {seed}: the defect the fix removes"
        assert abs(after.mean()) < 0.05, f"seed {seed}: {after.round(2).to_dict()}"
        est = fits["after"]
        covered = ((est["ci_low"] <= truth.reindex(est.index)) & (truth.reindex(est.index) <= est["ci_high"])).sum()
        assert covered >= 8, f"seed {seed}: {covered} of 10 intervals cover the planted elasticity"
        assert (est["empty_share"].between(0.02, pricing.EMPTY_FRAGILE)).all() and est["reliable"].all()
        errors.append(after)
    averaged = pd.concat(errors, axis=1).mean(axis=1)
    assert averaged.abs().max() <= 0.15, averaged.round(3).to_dict()


def test_the_20000_customer_demo_is_no_worse(demo, demo_tx):
    truth = demo.truth.category_elasticity
    before = pricing.fit_demand(demo_tx, "W", empty_periods=False).categories.set_index("category")
    after = pricing.fit_demand(demo_tx, "W").categories.set_index("category")
    assert 0 < after["n_empty"].sum() < 50
    np.testing.assert_allclose(after["elasticity"], before["elasticity"], atol=0.01)
    err_before = (before["elasticity"] - truth.reindex(before.index)).abs()
    err_after = (after["elasticity"] - truth.reindex(after.index)).abs()
    assert err_after.max() <= err_before.max() + 1e-3 and err_after.max() <= 0.15


def test_a_category_mostly_without_sales_is_flagged_fragile():
    rng = np.random.default_rng(0)
    rows = []
    for p in range(12):
        for week in range(40):
            price = 4.0 * (0.8 if rng.random() < 0.15 else 1.0)
            units = rng.poisson(0.5 * (price / 4.0) ** -2.0)  # about half the weeks sell nothing
            if units or week in (0, 39):
                rows.append((f"P{p}", pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=week), max(units, 1), price))
    cats = pricing.fit_demand(lines(rows)).categories.iloc[0]
    assert cats["empty_share"] > pricing.EMPTY_FRAGILE and not cats["reliable"]
    assert cats["flag"] == "many_empty"
    assert "had no sale" in render(cats["reason"]) and "没有销量" in render(cats["reason"], "zh")


# --- wholesale: quantity-discount schedules -------------------------------------------------------
def wholesale(seed: int = 0, elasticity: float = -1.5):
    """Order lines whose unit price is the week's list price less a quantity discount (10% from 12
    units, 20% from 48), with demand answering the list price with ``elasticity``; and the list."""
    rng = np.random.default_rng(seed)
    rows, listed = [], []
    for p in range(15):
        base = rng.uniform(2, 10)
        for week in range(40):
            day = pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=week)
            price = round(base * (1.1 if week >= 20 + p % 7 else 1.0) * (0.85 if rng.random() < 0.1 else 1.0), 2)
            listed.append((f"P{p}", day, price))
            for _ in range(rng.poisson(10 * (price / base) ** elasticity)):
                qty = int(rng.choice([1, 2, 6, 12, 24, 48, 96]))
                rows.append((f"P{p}", day, qty, round(price * (0.8 if qty >= 48 else 0.9 if qty >= 12 else 1.0), 2)))
    plist = pd.DataFrame(listed, columns=["product_id", "valid_from", "list_price"])
    return lines(rows), pricing.PriceList.from_frame(plist)


def test_a_quantity_schedule_is_found_and_flagged_and_a_price_list_separates_it():
    tx, plist = wholesale()
    panel = pricing.price_panel(tx)
    assert panel["quantity_schedule"].all()
    flagged = pricing.fit_demand(tx).categories.iloc[0]
    assert flagged["flag"] == "quantity_schedule" and not flagged["reliable"]
    assert flagged["price_follows_size"] < pricing.SCHEDULE_TIED
    assert "quantity-discount" in render(flagged["reason"])
    listed = pricing.fit_demand(tx, price_list=plist).categories.iloc[0]
    assert listed["flag"] == "ok" and listed["reliable"]
    # on the paid price: -3.62 (the tiers pose as price sensitivity); on the list: -1.27, its interval
    # (-2.01, -0.53) covering the planted -1.5 (ten lines a product-week make a noisy sample)
    assert flagged["elasticity"] < -3 and listed["ci_low"] < -1.5 < listed["ci_high"]
    assert abs(listed["elasticity"] + 1.5) < 0.3


def test_the_reports_pricing_section_says_why_a_wholesale_estimate_is_not_dependable():
    from promo_core import report

    section = report.pricing_analysis(wholesale()[0])
    warning = next(note for note in section.notes if note.startswith("Price sensitivity of c is not dependable"))
    assert "falls as the quantity per order line rises" in warning and "upload a price list" in warning
    assert not any(note.startswith("Most price-sensitive") for note in section.notes)  # (none is dependable)
    zh = report.pricing_analysis(wholesale()[0], lang="zh")
    assert any("按量折扣价目表" in note for note in zh.notes)


def test_online_retail_no_longer_reports_a_dependable_elasticity(shared_data):
    """The UCI sample: the weekly average price follows the quantity tiers (85123A: 2.95 a unit up
    to 12, 2.55 from 32), so the −2.51 it used to call dependable describes the price list."""
    tx = load_transactions(shared_data / "online_retail_sample.xlsx").data
    result = analysis.run(tx, analysis.Params(parts=frozenset()))
    cats = result.model.categories.iloc[0]
    assert cats["flag"] == "quantity_schedule" and not cats["reliable"]
    assert cats["schedule_share"] > 0.4 and cats["empty_share"] > pricing.EMPTY_FRAGILE
    assert np.isnan(result.typical_elasticity) and result.reliable_categories == 0
    schedule = result.model.panel.groupby("product_id")["quantity_schedule"].first()
    assert schedule["85123A"]
    words = render(result.data_warnings[0])
    assert "All products" in words and "price list" in words and "had no sale" in words
