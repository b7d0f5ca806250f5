"""The demo retailer: a deterministic omnichannel shop whose behaviour is planted, so that every
analysis in PromoLens can be checked against a known answer.

``generate(seed=0)`` returns the tables a real retailer would upload (transactions, products,
customers, a coupon campaign, warehouses and stores) and, beside them, ``.truth``: the
elasticities, customer behaviour types, tastes and coupon uplifts that produced the data.

How the data is made (so a test knows what it may expect):

* Customers belong to one of five behaviour types (``TYPES``) that set how often they shop, how
  big their baskets are, which channel they use, whether they use coupons and when they churn.
* Each customer has a taste: a favourite one or two categories, a favourite product style
  (Organic / Classic / Premium, a word in every product name) and four staple products they
  rebuy. Some products are complements: buying one often brings the other into the basket.
* Orders arrive week by week with yearly seasonality (a December peak, a summer dip) and a
  day-of-week pattern that differs by channel.
* Every product's weekly price moves (promotions of 10-30 % off in about one week in ten, two permanent
  price changes of 4-12 %).
  Demand responds to price with the category's planted elasticity exactly: candidate order
  lines are kept with probability ``(price / lowest_price) ** elasticity``.
* A randomised coupon campaign (control, 5 off, 10 off) ran for two weeks near the end; its
  conversion uplift depends on behaviour type (bargain hunters respond most, loyal customers
  would have bought anyway). The campaign's orders are in the transactions with the coupon code.
* A store network (20 UK stores, 8 candidate warehouses) whose weekly demand is the stores'
  actual sales.
* Weekly marketing spend in five channels (``spend``, made by ``simulate_media`` with its own random
  stream, so the tables above do not depend on it): each channel's spend carries over with a planted
  geometric adstock rate and brings revenue through a planted Hill saturation curve; two channels
  (social, display) return less than they cost. The transactions are the shop's sales *without*
  marketing: the spend table's ``revenue`` column (the same in every row of a week) is the week's
  transaction revenue plus the planted media contributions, the series a media-mix model is given.
  ``truth.media`` holds the planted rates, curves, contributions and ROAS. A ``holiday`` column
  marks the Christmas shopping weeks (a control: without it the December peak, which yearly
  Fourier terms cannot follow, is blamed on whatever spend moved then).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from promo_core.experiments import campaign_from_transactions

START = pd.Timestamp("2024-11-25")  # a Monday; 104 weeks follow
N_WEEKS = 104
CAMPAIGN_WEEK = 98
CAMPAIGN_DAYS = 14
COUPON_VALUES = {"coupon_5": 5.0, "coupon_10": 10.0}
STYLES = ("Organic", "Classic", "Premium")

# category: (planted price elasticity, typical list price, cost / list price, return rate, nouns)
CATEGORIES = {
    "Fresh Produce": (-0.7, 2.5, 0.65, 0.005, ["Apples", "Bananas", "Tomatoes", "Avocados", "Carrots",
                                                "Berries", "Salad Leaves", "Potatoes", "Onions", "Peppers"]),
    "Dairy & Eggs": (-0.9, 2.0, 0.60, 0.005, ["Whole Milk", "Oat Milk", "Greek Yoghurt", "Cheddar", "Butter",
                                              "Free-Range Eggs", "Cream", "Mozzarella", "Kefir", "Skyr"]),
    "Bakery": (-1.1, 2.2, 0.55, 0.005, ["Sourdough Loaf", "Croissants", "Bagels", "Rye Bread", "Muffins",
                                        "Baguette", "Brioche", "Pitta Bread", "Scones", "Cinnamon Rolls"]),
    "Beverages": (-1.5, 3.5, 0.50, 0.01, ["Ground Coffee", "Green Tea", "Orange Juice", "Sparkling Water",
                                          "Cola", "Coffee Beans", "Herbal Tea", "Lemonade", "Kombucha",
                                          "Hot Chocolate"]),
    "Snacks": (-1.8, 2.8, 0.45, 0.01, ["Crisps", "Dark Chocolate", "Mixed Nuts", "Granola Bars", "Popcorn",
                                       "Biscuits", "Rice Cakes", "Dried Mango", "Pretzels", "Flapjacks"]),
    "Household": (-1.3, 5.0, 0.55, 0.02, ["Laundry Liquid", "Washing-Up Liquid", "Bin Bags", "Kitchen Roll",
                                          "Toilet Tissue", "Surface Spray", "Dishwasher Tabs", "Sponges",
                                          "Fabric Softener", "Glass Cleaner"]),
    "Personal Care": (-1.2, 6.0, 0.45, 0.02, ["Shampoo", "Shower Gel", "Toothpaste", "Deodorant", "Hand Cream",
                                              "Face Wash", "Conditioner", "Body Lotion", "Lip Balm",
                                              "Sun Cream"]),
    "Home & Kitchen": (-2.0, 18.0, 0.50, 0.06, ["Mug Set", "Chef Knife", "Frying Pan", "Storage Jars",
                                                "Tea Towels", "Chopping Board", "Cafetiere", "Water Bottle",
                                                "Lunch Box", "Candle"]),
    "Electronics Accessories": (-2.4, 22.0, 0.60, 0.08, ["USB-C Cable", "Phone Case", "Wireless Charger",
                                                         "Earbuds", "Power Bank", "Screen Protector",
                                                         "Bluetooth Speaker", "Car Mount", "Smart Plug",
                                                         "Laptop Sleeve"]),
    "Toys & Gifts": (-1.6, 14.0, 0.50, 0.05, ["Puzzle", "Plush Bear", "Board Game", "Gift Card Holder",
                                              "Craft Kit", "Building Blocks", "Kite", "Notebook Set",
                                              "Scented Gift Box", "Card Game"]),
}
VARIANTS = ("Small", "Large", "Family Pack", "Twin Pack", "Value")

# type: (share, orders per week while active, mean lines per order, online share, coupon-use
#        share of orders, active weeks (None = until the end), base coupon uplift)
TYPES = {
    "loyal": (0.15, 0.28, 3.6, 0.50, 0.03, None, 0.01),
    "online_regular": (0.20, 0.16, 2.4, 0.96, 0.03, None, 0.04),
    "bargain_hunter": (0.20, 0.10, 3.0, 0.50, 0.45, None, 0.14),
    "store_occasional": (0.25, 0.045, 2.0, 0.04, 0.03, None, 0.03),
    "lapsed": (0.20, 0.14, 2.0, 0.40, 0.05, (8, 30), 0.07),
}

STORE_CITIES = [
    ("London Oxford St", 51.5154, -0.1419), ("London Canary Wharf", 51.5054, -0.0235),
    ("Manchester", 53.4808, -2.2426), ("Birmingham", 52.4862, -1.8904), ("Leeds", 53.8008, -1.5491),
    ("Liverpool", 53.4084, -2.9916), ("Bristol", 51.4545, -2.5879), ("Sheffield", 53.3811, -1.4701),
    ("Newcastle", 54.9783, -1.6178), ("Nottingham", 52.9548, -1.1581), ("Leicester", 52.6369, -1.1398),
    ("Southampton", 50.9097, -1.4044), ("Brighton", 50.8225, -0.1372), ("Cardiff", 51.4816, -3.1791),
    ("Glasgow", 55.8642, -4.2518), ("Edinburgh", 55.9533, -3.1883), ("Oxford", 51.7520, -1.2577),
    ("Cambridge", 52.2053, 0.1218), ("Norwich", 52.6309, 1.2974), ("Exeter", 50.7184, -3.5339),
]
WAREHOUSE_SITES = [
    ("Daventry DC", 52.2565, -1.1600), ("Warrington DC", 53.3900, -2.5970), ("Wakefield DC", 53.6830, -1.4977),
    ("Avonmouth DC", 51.5030, -2.6990), ("Tilbury DC", 51.4620, 0.3580), ("Bellshill DC", 55.8170, -4.0170),
    ("Doncaster DC", 53.5228, -1.1285), ("Thurrock DC", 51.4935, 0.3529),
]
COST_PER_UNIT_KM = 0.002  # shipping cost of one unit over one kilometre


@dataclass(frozen=True)
class DemoTruth:
    """What produced the demo data, for tests and for the app's "check against truth" notes."""

    category_elasticity: pd.Series  # index category -> planted own-price elasticity
    customer_type: pd.Series  # index customer_id -> behaviour type (one of TYPES)
    favourite_category: pd.Series  # index customer_id -> the category the customer buys most
    favourite_style: pd.Series  # index customer_id -> one of STYLES
    complements: pd.DataFrame  # product_id, complement_id, probability of adding it to the basket
    uplift: pd.DataFrame  # index customer_id (campaign members), one column per coupon arm
    baseline_conversion: pd.Series  # index customer_id -> P(buy in the campaign window | control)
    weekly_seasonality: pd.Series  # index week start -> demand multiplier
    store_weekly_demand: pd.Series  # index store site_id -> mean weekly units
    media: MediaTruth | None = None  # the planted marketing channels (simulate_media)
    journeys: JourneyTruth | None = None  # the planted browsing behaviour (demo_events)


@dataclass(frozen=True)
class DemoRetailer:
    """The demo retailer's tables and its planted truth."""

    transactions: pd.DataFrame
    products: pd.DataFrame
    customers: pd.DataFrame
    campaign: pd.DataFrame
    warehouses: pd.DataFrame
    stores: pd.DataFrame
    truth: DemoTruth
    cost_per_unit_km: float = COST_PER_UNIT_KM
    spend: pd.DataFrame | None = None  # week, channel, spend, revenue (media_spend_table), holiday
    events: pd.DataFrame | None = None  # browsing events of the last EVENT_WEEKS weeks (demo_events)


# --- marketing spend (a media-mix model's input) -------------------------------------------------
MEDIA_SEED = 12  # the spend's own random stream: np.random.default_rng((seed, MEDIA_SEED))
MEDIA_MAX_LAG = 8  # weeks a week's spend keeps working (adstock weights beyond are zero)
# channel: (mean weekly spend, spend pattern, adstock decay per week, half-saturation as a multiple
#           of the mean weekly spend, Hill slope, planted ROAS over the two years)
DEMO_CHANNELS = {
    "search": (5000.0, "seasonal", 0.15, 1.0, 1.2, 2.4),
    "social": (3500.0, "always_on", 0.35, 0.8, 1.0, 0.8),
    "display": (3000.0, "flighted", 0.45, 1.2, 1.0, 0.5),
    "tv": (8000.0, "flighted", 0.70, 0.9, 2.0, 1.5),
    "email": (1000.0, "pulsed", 0.0, 1.0, 1.0, 3.0),
}


@dataclass(frozen=True)
class MediaTruth:
    """What produced a media-mix dataset (``simulate_media``).

    ``channels`` (index channel): spend (total), decay, half_life (weeks), half_saturation (weekly
    spend at which the curve gives half its maximum), slope, max_weekly (the curve's ceiling, money
    per week), contribution (total) and roas (contribution / spend, both over the data's weeks).
    ``contributions``: one column per channel, one row per week. ``baseline``: sales without media.
    """

    channels: pd.DataFrame
    contributions: pd.DataFrame
    baseline: pd.Series
    max_lag: int


def _spend_pattern(pattern: str, mean: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """One channel's weekly spend: always on with a slow drift, seasonal (a December peak), flighted
    (bursts of 3-6 weeks on, 2-6 off) or pulsed (a send in about half the weeks)."""
    if pattern == "always_on":
        drift = np.zeros(n)
        for t in range(1, n):
            drift[t] = 0.85 * drift[t - 1] + rng.normal(0, 0.2)
        x = np.exp(drift + rng.normal(0, 0.25, n))
    elif pattern == "seasonal":
        week = np.arange(n)
        x = (1 + 0.35 * np.cos(2 * np.pi * (week - 4) / 52)) * rng.lognormal(0, 0.35, n)
    elif pattern == "flighted":
        x, t, on = np.zeros(n), 0, bool(rng.random() < 0.5)
        while t < n:
            length = int(rng.integers(3, 7) if on else rng.integers(2, 7))
            if on:
                x[t:t + length] = rng.lognormal(0, 0.3) * rng.lognormal(0, 0.15, len(x[t:t + length]))
            t, on = t + length, not on
    elif pattern == "pulsed":
        x = (rng.random(n) < 0.55) * rng.lognormal(0, 0.4, n)
    else:
        raise ValueError(f"unknown spend pattern {pattern!r}")
    return mean * x / x.mean()


def simulate_media(baseline: pd.Series, channels: dict | None = None, *, max_lag: int = MEDIA_MAX_LAG,
                   seed: int | tuple = 0) -> tuple[pd.DataFrame, pd.Series, MediaTruth]:
    """Weekly spend per channel and the sales it brings, with every parameter planted.

    Each channel's spend is carried over with geometric adstock (weights ``decay ** lag`` for lags
    ``0 .. max_lag - 1``, scaled to sum to one, nothing carried in from before the first week) and
    turned into weekly revenue by a Hill curve ``max_weekly * a**slope / (a**slope + half**slope)``;
    ``max_weekly`` is set so that the channel's contribution over the data's weeks divided by its
    spend is exactly the planted ROAS. Written independently of ``promo_core.mmm`` so that the model
    is checked against a second implementation of the same definitions.

    Parameters
    ----------
    baseline : Series
        Sales without marketing, one value per week (its index is kept).
    channels : dict, optional
        channel -> (mean weekly spend, pattern, decay, half-saturation / mean spend, slope, ROAS);
        default ``DEMO_CHANNELS``. Patterns: always_on, seasonal, flighted, pulsed.
    max_lag : int
        Weeks a week's spend keeps working.
    seed : int or tuple
        Seed of the spend's random stream.

    Returns
    -------
    spend : DataFrame
        Index as ``baseline``, one column of weekly spend per channel.
    kpi : Series
        ``baseline`` plus every channel's contribution.
    truth : MediaTruth
    """
    channels = DEMO_CHANNELS if channels is None else channels
    rng = np.random.default_rng(seed)
    n = len(baseline)
    spend, contrib, rows = {}, {}, {}
    for name, (mean, pattern, decay, half, slope, roas) in channels.items():
        x = _spend_pattern(pattern, mean, n, rng)
        weights = decay ** np.arange(max_lag)
        weights = weights / weights.sum()
        carried = np.convolve(x, weights)[:n]
        half_spend = half * mean
        shape = carried ** slope / (carried ** slope + half_spend ** slope)
        ceiling = roas * x.sum() / shape.sum()
        spend[name], contrib[name] = x, ceiling * shape
        rows[name] = {"spend": x.sum(), "decay": decay,
                      "half_life": np.log(0.5) / np.log(decay) if decay > 0 else 0.0,
                      "half_saturation": half_spend, "slope": slope, "max_weekly": ceiling,
                      "contribution": contrib[name].sum(), "roas": roas}
    spend = pd.DataFrame(spend, index=baseline.index)
    contributions = pd.DataFrame(contrib, index=baseline.index)
    kpi = (baseline + contributions.sum(axis=1)).rename("kpi")
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("channel")
    return spend, kpi, MediaTruth(table, contributions, baseline.rename("baseline"), max_lag)


def media_case(seed: int, n_channels: int = 5, n_weeks: int = 104,
               noise: float = 3000.0) -> tuple[pd.DataFrame, pd.Series, MediaTruth]:
    """A simulated media-mix dataset with every parameter planted, for tests and benchmarks.

    Baseline: 100,000 a week with a 10 % yearly wave, a 5 % half-yearly one, a 10 % trend over the
    period and normal noise (``noise`` a week). Channels ``ch0``... with mean weekly spend 2,000-8,000,
    spend patterns mixing always-on, seasonal, flighted and pulsed, decay 0-0.7,
    half-saturation 0.6-1.5 times the mean spend, Hill slope 0.8-2, and distinct planted ROAS
    (0.5, 1.0, 1.8, 2.8, 4.0 for five channels; evenly from 0.4 to 4 otherwise) in random order.
    """
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=n_weeks, freq="W-MON", name="week")
    t = np.arange(n_weeks)
    baseline = 100_000 * (1 + 0.1 * np.sin(2 * np.pi * t / 52.18) + 0.05 * np.cos(4 * np.pi * t / 52.18)
                          + 0.1 * t / n_weeks) + rng.normal(0, noise, n_weeks)
    roas = rng.permutation((0.5, 1.0, 1.8, 2.8, 4.0) if n_channels == 5 else np.linspace(0.4, 4.0, n_channels))
    patterns = ("always_on", "seasonal", "flighted", "pulsed", "always_on", "flighted", "always_on", "pulsed")
    channels = {f"ch{i}": (float(rng.uniform(2000, 8000)), patterns[i % len(patterns)],
                           float(rng.uniform(0, 0.7)), float(rng.uniform(0.6, 1.5)), float(rng.uniform(0.8, 2.0)),
                           float(roas[i])) for i in range(n_channels)}
    return simulate_media(pd.Series(baseline, index=index), channels, seed=seed)


def media_spend_table(spend: pd.DataFrame, kpi: pd.Series) -> pd.DataFrame:
    """The long table a retailer uploads: one row per week and channel (week, channel, spend) with
    the week's revenue repeated on each of its rows."""
    long = spend.rename_axis("week").reset_index().melt(id_vars="week", var_name="channel", value_name="spend")
    long["spend"] = long["spend"].round(2)
    long["revenue"] = long["week"].map(kpi.round(2))
    return long.sort_values(["week", "channel"], ignore_index=True)


def _demo_media(tx: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, MediaTruth]:
    """The demo's spend table: its transactions' weekly revenue is the baseline (sales without
    marketing); the spend has its own random stream, so the other tables do not depend on it."""
    week = ((tx["order_date"] - START).dt.days // 7).to_numpy()
    revenue = np.bincount(week, weights=(tx["quantity"] * tx["unit_price"]).to_numpy(), minlength=N_WEEKS)[:N_WEEKS]
    baseline = pd.Series(revenue, index=pd.DatetimeIndex(START + pd.to_timedelta(np.arange(N_WEEKS) * 7, unit="D"),
                                                         name="week"))
    spend, kpi, truth = simulate_media(baseline, seed=(seed, MEDIA_SEED))
    table = media_spend_table(spend, kpi)
    # a control every retailer knows: the Christmas shopping weeks (the window _seasonality lifts)
    day_of_year = (table["week"] + pd.Timedelta(days=3)).dt.dayofyear
    table["holiday"] = ((day_of_year >= 335) & (day_of_year <= 358)).astype(np.int64)
    return table, truth


def _products(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for cat, (elasticity, price, cost_ratio, _ret, nouns) in CATEGORIES.items():
        for i in range(50):
            noun = nouns[i % len(nouns)]
            style = STYLES[i % 3]
            variant = VARIANTS[(i // len(nouns)) % len(VARIANTS)]
            style_factor = {"Organic": 1.15, "Classic": 0.9, "Premium": 1.5}[style]
            list_price = price * style_factor * rng.lognormal(0, 0.35)
            list_price = max(0.49, np.floor(list_price) + (0.99 if list_price > 3 else 0.49))
            rows.append({
                "product_name": f"{style} {noun} {variant}",
                "category": cat,
                "style": style,
                "list_price": round(float(list_price), 2),
                "unit_cost": round(float(list_price * cost_ratio * rng.uniform(0.9, 1.1)), 2),
                "description": f"{style} {noun.lower()} ({variant.lower()}) from our {cat.lower()} range.",
            })
    products = pd.DataFrame(rows)
    products.insert(0, "product_id", [f"P{i + 1:04d}" for i in range(len(products))])
    products["popularity"] = rng.pareto(3.0, len(products)) + 1.0
    return products


def _weekly_prices(products: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Price of every product in every week: list price, two permanent changes, promotions."""
    n = len(products)
    factor = np.ones((n, N_WEEKS))
    for _ in range(2):
        week = rng.integers(10, N_WEEKS - 10, n)
        change = rng.choice([0.88, 0.92, 0.96, 1.04, 1.08, 1.12], n)
        factor *= np.where(np.arange(N_WEEKS)[None, :] >= week[:, None], change[:, None], 1.0)
    promo = rng.random((n, N_WEEKS)) < 10 / N_WEEKS
    depth = rng.choice([0.1, 0.15, 0.2, 0.25, 0.3], (n, N_WEEKS))
    factor *= np.where(promo, 1 - depth, 1.0)
    return np.round(products["list_price"].to_numpy()[:, None] * factor, 2)


def _seasonality() -> np.ndarray:
    week = np.arange(N_WEEKS)
    day_of_year = ((START + pd.to_timedelta(week * 7 + 3, unit="D")).dayofyear).to_numpy()
    yearly = 1 + 0.25 * np.cos(2 * np.pi * (day_of_year - 355) / 365.25)
    christmas = np.where((day_of_year >= 335) & (day_of_year <= 358), 1.35, 1.0)
    return yearly * christmas


class _LineSampler:
    """Draws (product, quantity) for order lines from each customer's taste."""

    def __init__(self, products: pd.DataFrame, taste_cat: np.ndarray, taste_style: np.ndarray,
                 staples: np.ndarray, rng: np.random.Generator):
        self.rng = rng
        self.taste_cat_cum = np.cumsum(taste_cat, axis=1)
        self.taste_style_cum = np.cumsum(taste_style, axis=1)
        self.staples = staples
        cat_codes = pd.Categorical(products["category"], categories=list(CATEGORIES)).codes
        style_codes = pd.Categorical(products["style"], categories=list(STYLES)).codes
        self.groups = {}
        for c in range(len(CATEGORIES)):
            for s in range(len(STYLES)):
                idx = np.flatnonzero((cat_codes == c) & (style_codes == s))
                weights = products["popularity"].to_numpy()[idx]
                self.groups[(c, s)] = (idx, np.cumsum(weights) / weights.sum())

    def draw(self, customer: np.ndarray, staple_share: float = 0.25) -> np.ndarray:
        rng, n = self.rng, len(customer)
        cat = (rng.random(n)[:, None] > self.taste_cat_cum[customer]).sum(axis=1)
        style = (rng.random(n)[:, None] > self.taste_style_cum[customer]).sum(axis=1)
        cat = np.minimum(cat, len(CATEGORIES) - 1)
        style = np.minimum(style, len(STYLES) - 1)
        product = np.empty(n, dtype=np.int64)
        for (c, s), (idx, cum) in self.groups.items():
            mask = (cat == c) & (style == s)
            if mask.any():
                product[mask] = idx[np.minimum(np.searchsorted(cum, rng.random(mask.sum())), len(idx) - 1)]
        staple = rng.random(n) < staple_share
        product[staple] = self.staples[customer[staple], rng.integers(0, self.staples.shape[1], staple.sum())]
        return product


def generate(seed: int = 0, n_customers: int = 20_000) -> DemoRetailer:
    """Generate the demo retailer.

    Parameters
    ----------
    seed : int
        Random seed; the same seed always gives the same tables.
    n_customers : int
        Number of identified customers (guest shoppers come on top).

    Returns
    -------
    DemoRetailer
        Tables (``transactions``, ``products``, ``customers``, ``campaign``, ``warehouses``,
        ``stores``) and the planted ``truth``.
    """
    rng = np.random.default_rng(seed)
    products = _products(rng)
    n_products = len(products)
    prices = _weekly_prices(products, rng)
    season = _seasonality()
    cat_index = pd.Categorical(products["category"], categories=list(CATEGORIES)).codes
    elasticity = np.array([CATEGORIES[c][0] for c in CATEGORIES])[cat_index]

    # --- customers: type, activity window, channel, taste ---------------------------------
    type_names = list(TYPES)
    shares = np.array([TYPES[t][0] for t in type_names])
    n_guests = n_customers // 8  # guest shoppers, identified here only to draw their baskets
    n_all = n_customers + n_guests
    ctype = np.concatenate([rng.choice(len(type_names), n_customers, p=shares),
                            np.full(n_guests, type_names.index("store_occasional"))])
    rate = np.array([TYPES[t][1] for t in type_names])[ctype] * rng.lognormal(0, 0.3, n_all)
    rate[n_customers:] = 0.05
    lines_mean = np.array([TYPES[t][2] for t in type_names])[ctype]
    online_share = np.array([TYPES[t][3] for t in type_names])[ctype]
    online_share[n_customers:] = 0.0
    coupon_use = np.array([TYPES[t][4] for t in type_names])[ctype]
    coupon_use[n_customers:] = 0.0
    first_week = np.where(rng.random(n_all) < 0.6, 0, rng.integers(0, 90, n_all))
    first_week[n_customers:] = 0
    last_week = np.full(n_all, N_WEEKS)
    lapsed = ctype == type_names.index("lapsed")
    lo, hi = TYPES["lapsed"][5]
    first_week[lapsed] = rng.integers(0, 40, lapsed.sum())
    last_week[lapsed] = first_week[lapsed] + rng.integers(lo, hi, lapsed.sum())
    home_store = rng.integers(0, len(STORE_CITIES), n_all)

    taste_cat = rng.dirichlet(np.full(len(CATEGORIES), 0.25), n_all)
    popularity = products.groupby("category", sort=False)["popularity"].sum().reindex(list(CATEGORIES))
    taste_cat[n_customers:] = (popularity / popularity.sum()).to_numpy()
    taste_cat = 0.85 * taste_cat + 0.15 / len(CATEGORIES)
    taste_style = rng.dirichlet(np.full(len(STYLES), 0.3), n_all) * 0.85 + 0.05
    staples = np.empty((n_all, 4), dtype=np.int64)
    sampler = _LineSampler(products, taste_cat, taste_style, staples, rng)
    staples[:] = sampler.draw(np.repeat(np.arange(n_all), 4), staple_share=0.0).reshape(n_all, 4)

    # --- orders: Poisson arrivals per customer-week with yearly seasonality -----------------
    weeks = np.arange(N_WEEKS)
    active = (weeks[None, :] >= first_week[:, None]) & (weeks[None, :] < last_week[:, None])
    counts = rng.poisson(rate[:, None] * season[None, :] * active * 2.2)  # thinned by price below
    o_cust, o_week = np.nonzero(counts)
    reps = counts[o_cust, o_week]
    o_cust, o_week = np.repeat(o_cust, reps), np.repeat(o_week, reps)
    online = rng.random(len(o_cust)) < online_share[o_cust]
    dow_online = np.array([0.17, 0.16, 0.15, 0.15, 0.13, 0.11, 0.13])
    dow_store = np.array([0.10, 0.11, 0.12, 0.13, 0.16, 0.22, 0.16])
    dow = np.where(online, rng.choice(7, len(o_cust), p=dow_online), rng.choice(7, len(o_cust), p=dow_store))
    o_day = o_week * 7 + dow

    # drop the campaign members' own orders in the campaign window: the campaign decides those
    campaign_start_day = CAMPAIGN_WEEK * 7
    eligible = np.flatnonzero((first_week[:n_customers] < CAMPAIGN_WEEK - 8))
    members = np.sort(rng.choice(eligible, min(12_000, len(eligible)), replace=False))
    in_window = (o_day >= campaign_start_day) & (o_day < campaign_start_day + CAMPAIGN_DAYS)
    keep = ~(in_window & np.isin(o_cust, members))
    o_cust, o_week, o_day, online = o_cust[keep], o_week[keep], o_day[keep], online[keep]
    n_orders = len(o_cust)

    # --- order lines (with complements), thinned by price so demand has the planted elasticity --
    n_lines = 1 + rng.poisson(lines_mean[o_cust] - 1)
    l_order = np.repeat(np.arange(n_orders), n_lines)
    l_product = sampler.draw(o_cust[l_order])
    comp_a = rng.choice(n_products, 40, replace=False)
    comp_b = (comp_a + rng.integers(60, n_products - 60, 40)) % n_products
    comp_p = rng.uniform(0.3, 0.5, 40)
    comp_map = np.full(n_products, -1)
    comp_map[comp_a] = np.arange(40)
    has = comp_map[l_product] >= 0
    add = has & (rng.random(len(l_product)) < np.where(has, comp_p[comp_map[l_product]], 0))
    l_order = np.concatenate([l_order, l_order[add]])
    l_product = np.concatenate([l_product, comp_b[comp_map[l_product[add]]]])
    l_week = o_week[l_order]
    lowest = prices.min(axis=1)
    keep_prob = (prices[l_product, l_week] / lowest[l_product]) ** elasticity[l_product]
    kept = rng.random(len(l_order)) < keep_prob
    l_order, l_product = l_order[kept], l_product[kept]

    # --- campaign: randomised arms, conversion = baseline + planted uplift ---------------------
    arm = np.array(["control", "coupon_5", "coupon_10"])[rng.permutation(len(members)) % 3]
    type_uplift = np.array([TYPES[t][6] for t in type_names])[ctype[members]]
    base_p = 1 - np.exp(-rate[members] * season[CAMPAIGN_WEEK] * 2 * (last_week[members] > CAMPAIGN_WEEK))
    base_p = np.clip(base_p, 0.01, 0.9)
    heterogeneity = rng.uniform(0.6, 1.4, len(members))
    uplift5 = np.clip(type_uplift * heterogeneity, 0, 0.98 - base_p)
    uplift10 = np.clip(1.6 * uplift5, 0, 0.98 - base_p)
    p_convert = base_p + np.select([arm == "coupon_5", arm == "coupon_10"], [uplift5, uplift10], 0.0)
    converted = rng.random(len(members)) < p_convert
    c_cust = members[converted]
    c_day = campaign_start_day + rng.integers(0, CAMPAIGN_DAYS, len(c_cust))
    c_online = rng.random(len(c_cust)) < online_share[c_cust]
    c_lines = 1 + rng.poisson(lines_mean[c_cust] - 1)
    c_order = n_orders + np.repeat(np.arange(len(c_cust)), c_lines)
    c_product = sampler.draw(np.repeat(c_cust, c_lines))
    # one line per product in an order: the same product drawn twice becomes a larger quantity
    lines = (pd.DataFrame({"o": np.concatenate([l_order, c_order]), "p": np.concatenate([l_product, c_product])})
             .groupby(["o", "p"], sort=True).size().reset_index(name="n"))
    l_order, l_product, l_draws = lines["o"].to_numpy(), lines["p"].to_numpy(), lines["n"].to_numpy()
    o_cust = np.concatenate([o_cust, c_cust])
    o_day = np.concatenate([o_day, c_day])
    online = np.concatenate([online, c_online])
    campaign_arm_of_order = np.concatenate([np.full(n_orders, ""), arm[converted]])

    # --- assemble the transactions ------------------------------------------------------------
    n_orders_all = len(o_cust)
    l_day = o_day[l_order]
    l_price = prices[l_product, np.minimum(l_day // 7, N_WEEKS - 1)]
    quantity = l_draws + rng.poisson(l_draws * np.where(cat_index[l_product] < 3, 0.8, 0.25))
    hours = np.where(online[l_order], rng.integers(7, 23, len(l_order)), rng.integers(9, 20, len(l_order)))
    timestamp = (START + pd.to_timedelta(l_day, unit="D") + pd.to_timedelta(hours, unit="h")
                 + pd.to_timedelta(rng.integers(0, 60, len(l_order)), unit="m"))
    order_coupon = np.where(rng.random(n_orders_all) < coupon_use[o_cust], "SAVE10", "")
    order_coupon = np.where(campaign_arm_of_order == "coupon_5", "WINBACK5", order_coupon)
    order_coupon = np.where(campaign_arm_of_order == "coupon_10", "WINBACK10", order_coupon)
    l_coupon = order_coupon[l_order]
    gross = quantity * l_price
    order_gross = np.bincount(l_order, weights=gross, minlength=n_orders_all)
    order_discount = np.select([order_coupon == "SAVE10", order_coupon == "WINBACK5", order_coupon == "WINBACK10"],
                               [0.10 * order_gross, np.minimum(5.0, order_gross), np.minimum(10.0, order_gross)], 0.0)
    line_discount = np.round(order_discount[l_order] * gross / np.maximum(order_gross[l_order], 1e-9), 2)
    customer_ids = np.array([f"C{i + 1:05d}" for i in range(n_all)], dtype=object)
    customer_ids[n_customers:] = None
    store_ids = np.array([f"S{i + 1:02d}" for i in range(len(STORE_CITIES))])
    is_online = online[l_order]
    tx = pd.DataFrame({
        "order_id": pd.Series([f"O{i + 1:07d}" for i in range(n_orders_all)])[l_order].to_numpy(),
        "customer_id": customer_ids[o_cust[l_order]],
        "order_date": timestamp,
        "product_id": products["product_id"].to_numpy()[l_product],
        "product_name": products["product_name"].to_numpy()[l_product],
        "category": products["category"].to_numpy()[l_product],
        "quantity": quantity.astype(np.int64),
        "unit_price": l_price,
        "channel": np.where(is_online, "online", "store"),
        "store_id": np.where(is_online, None, store_ids[home_store[o_cust[l_order]]]),
        "coupon_code": np.where(l_coupon == "", None, l_coupon),
        "discount": line_discount,
    })

    # returns: a share of lines come back 2-30 days later as a negative line of their own
    return_rate = np.array([CATEGORIES[c][3] for c in CATEGORIES])[cat_index[l_product]]
    returned = (rng.random(len(tx)) < return_rate * 1.5) & tx["customer_id"].notna().to_numpy()
    ret = tx[returned].copy()
    ret["order_date"] = ret["order_date"] + pd.to_timedelta(rng.integers(2, 31, len(ret)), unit="D")
    ret["quantity"] = -ret["quantity"]
    ret["discount"] = -ret["discount"]
    ret["coupon_code"] = None
    ret["order_id"] = "R" + ret["order_id"].str[1:]
    end = START + pd.Timedelta(days=N_WEEKS * 7)
    ret = ret[ret["order_date"] < end]
    tx = pd.concat([tx, ret], ignore_index=True).sort_values(["order_date", "order_id", "product_id"],
                                                             ignore_index=True)
    for col in ("order_id", "customer_id", "product_id", "product_name", "category", "channel", "store_id",
                "coupon_code"):
        tx[col] = tx[col].astype("str").where(tx[col].notna())
    tx["order_date"] = tx["order_date"].astype("datetime64[us]")

    # --- other tables ---------------------------------------------------------------------------
    ids = customer_ids[:n_customers].astype(str)
    customers = pd.DataFrame({
        "customer_id": ids,
        "signup_date": (START + pd.to_timedelta(first_week[:n_customers] * 7 + rng.integers(0, 7, n_customers),
                                                unit="D")).astype("datetime64[us]"),
        "home_store": store_ids[home_store[:n_customers]],
    })
    campaign = campaign_from_transactions(tx, pd.DataFrame({"customer_id": ids[members], "arm": arm}),
                                          START + pd.Timedelta(days=CAMPAIGN_WEEK * 7), CAMPAIGN_DAYS)
    sold = tx[(tx["channel"] == "store") & (tx["quantity"] > 0)]
    last_year = sold[sold["order_date"] >= end - pd.Timedelta(days=364)]
    store_demand = (last_year.groupby("store_id")["quantity"].sum() / 52).reindex(store_ids, fill_value=0)
    stores = pd.DataFrame({
        "site_id": store_ids,
        "name": [c[0] for c in STORE_CITIES],
        "lat": [c[1] for c in STORE_CITIES],
        "lon": [c[2] for c in STORE_CITIES],
        "demand": store_demand.round().astype(np.int64).to_numpy(),
    })
    total = stores["demand"].sum()
    cap_share = np.array([0.35, 0.3, 0.3, 0.25, 0.3, 0.2, 0.25, 0.35])
    warehouses = pd.DataFrame({
        "site_id": [f"W{i + 1}" for i in range(len(WAREHOUSE_SITES))],
        "name": [w[0] for w in WAREHOUSE_SITES],
        "lat": [w[1] for w in WAREHOUSE_SITES],
        "lon": [w[2] for w in WAREHOUSE_SITES],
        "capacity": np.round(cap_share * total).astype(np.int64),
        "fixed_cost": np.round(rng.uniform(1500, 3500, len(WAREHOUSE_SITES)), -1),
    })

    cust_index = pd.Index(ids, name="customer_id")
    spend, media_truth = _demo_media(tx, seed)
    truth = DemoTruth(
        category_elasticity=pd.Series({c: v[0] for c, v in CATEGORIES.items()}, name="elasticity"),
        customer_type=pd.Series(np.array(type_names)[ctype[:n_customers]], index=cust_index, name="type"),
        favourite_category=pd.Series(np.array(list(CATEGORIES))[taste_cat[:n_customers].argmax(axis=1)],
                                     index=cust_index, name="favourite_category"),
        favourite_style=pd.Series(np.array(STYLES)[taste_style[:n_customers].argmax(axis=1)],
                                  index=cust_index, name="favourite_style"),
        complements=pd.DataFrame({"product_id": products["product_id"].to_numpy()[comp_a],
                                  "complement_id": products["product_id"].to_numpy()[comp_b],
                                  "probability": comp_p}),
        uplift=pd.DataFrame({"coupon_5": uplift5, "coupon_10": uplift10},
                            index=pd.Index(ids[members], name="customer_id")),
        baseline_conversion=pd.Series(base_p, index=pd.Index(ids[members], name="customer_id"),
                                      name="baseline_conversion"),
        weekly_seasonality=pd.Series(season, index=START + pd.to_timedelta(weeks * 7, unit="D"),
                                     name="seasonality"),
        store_weekly_demand=pd.Series(stores["demand"].to_numpy(), index=stores["site_id"], name="demand"),
        media=media_truth,
    )
    taste = (pd.DataFrame(taste_cat[:n_customers], index=cust_index, columns=list(CATEGORIES)),
             pd.DataFrame(taste_style[:n_customers], index=cust_index, columns=list(STYLES)))
    events, truth_journeys = demo_events(tx, truth.customer_type, products, seed, taste=taste)
    truth = dataclasses.replace(truth, journeys=truth_journeys)
    return DemoRetailer(
        transactions=tx,
        products=products.drop(columns=["popularity", "style"]),
        customers=customers,
        campaign=campaign,
        warehouses=warehouses,
        stores=stores,
        truth=truth,
        spend=spend,
        events=events,
    )


# --- browsing events (a web-analytics export: sessions of views, cart adds, searches) --------------
EVENTS_SEED = 1301  # the events' own random stream: np.random.default_rng((seed, EVENTS_SEED))
PREVIEW_SHARE = 0.6  # browsing sessions before their customer's order that first view a product of it
TASTE_STREAM = 1  # browsing by taste: np.random.default_rng((seed, EVENTS_SEED, TASTE_STREAM))
EVENT_WEEKS = 8  # the events cover the orders of the data's last weeks, as an analytics export would
EVENT_CHANNELS = {"direct": 0.35, "search": 0.30, "email": 0.15, "social": 0.20}  # traffic source: share
EVENT_DEVICES = {"mobile": 0.55, "desktop": 0.35, "tablet": 0.10}
# segment (a TYPES behaviour type, or "guest"): (browse-to-buy rate, cart-abandonment rate) in "search"
EVENT_RATES = {"loyal": (0.45, 0.45), "online_regular": (0.35, 0.55), "bargain_hunter": (0.18, 0.80),
               "store_occasional": (0.25, 0.60), "lapsed": (0.12, 0.75), "guest": (0.20, 0.70)}
# channel: (browse-to-buy multiplier, cart-abandonment shift)
EVENT_CHANNEL_EFFECT = {"direct": (1.2, -0.05), "search": (1.0, 0.0), "email": (1.1, -0.10), "social": (0.55, 0.10)}
ZERO_RESULT_TERMS = ("gluten free pasta", "protein powder", "nappies", "蛋白粉", "pet food", "vinyl records")


@dataclass(frozen=True)
class JourneyTruth:
    """What produced the demo's browsing events (``demo_events``).

    ``rates`` (index segment, channel): ``browse_to_buy`` = P(a session with a product view ends
    in a purchase), ``cart_abandonment`` = P(a session with a cart add ends without one).
    ``viewed_not_bought``: products browsed often in sessions that buy nothing (planted), and
    ``zero_result_terms``: searches the shop finds nothing for. ``start``: the events' first day."""

    rates: pd.DataFrame
    viewed_not_bought: tuple[str, ...]
    zero_result_terms: tuple[str, ...]
    start: pd.Timestamp


def _planted_rates() -> pd.DataFrame:
    """Browse-to-buy and cart-abandonment per segment and channel (``EVENT_RATES`` x channel effect)."""
    rows = [(seg, ch, b * mult, min(a + shift, 0.95)) for seg, (b, a) in EVENT_RATES.items()
            for ch, (mult, shift) in EVENT_CHANNEL_EFFECT.items()]
    return pd.DataFrame(rows, columns=["segment", "channel", "browse_to_buy", "cart_abandonment"]) \
        .set_index(["segment", "channel"])


def _browsed(products: pd.DataFrame, taste: tuple[pd.DataFrame, pd.DataFrame], customer: np.ndarray,
             rng: np.random.Generator) -> np.ndarray:
    """A product (row of ``products``) for each view by ``customer`` (ids, None for guests), drawn
    from the customer's taste as their order lines are (``_LineSampler``, without staples);
    -1 for guests and customers ``taste`` does not know."""
    category, style = taste
    rows = category.index.get_indexer(pd.Index(customer, dtype=object))
    out = np.full(len(customer), -1, dtype=np.int64)
    known = rows >= 0
    sampler = _LineSampler(products, category.to_numpy(), style.reindex(category.index).to_numpy(),
                           np.zeros((len(category), 1), dtype=np.int64), rng)
    out[known] = sampler.draw(rows[known], staple_share=0.0)
    return out


def demo_events(tx: pd.DataFrame, customer_type: pd.Series, products: pd.DataFrame,
                seed: int = 0, taste: tuple[pd.DataFrame, pd.DataFrame] | None = None
                ) -> tuple[pd.DataFrame, JourneyTruth]:
    """Browsing events consistent with the orders of the last ``EVENT_WEEKS`` weeks.

    Every order in the window gets a session (its traffic channel and device drawn at random)
    with a view and a cart add per line, sometimes a cart add removed again, a few other products
    viewed, and one ``purchase`` event per line (with its ``order_id``). Beside each order, the
    customer has sessions that buy nothing: Poisson with mean ``(1 - b) / b`` per order, so a
    viewing session buys with probability ``b`` (the planted browse-to-buy rate of the customer's
    type and the channel); a share of them add to the cart, chosen so that carts are abandoned at
    the planted rate. Browsing sessions lean to a few planted products, and some searches find
    nothing (``results`` = 0). Its own random stream: the other tables do not depend on it.

    With ``taste`` (each identified customer's category and style probabilities, the ones that
    drew their order lines: rows customer_id, columns ``CATEGORIES`` and ``STYLES``), the products
    a customer views without buying them (all but the planted lures) follow that taste, so
    browsing says something about what the customer will buy (what a recommender can learn
    from views); and people look before they buy: a browsing session that comes before the order
    it goes with first views one of that order's products, with probability ``PREVIEW_SHARE``
    (unless that view is a lure). They are drawn from a second stream, ``(seed, EVENTS_SEED, TASTE_STREAM)``,
    and replace uniform draws one for one: the sessions, events and their times are the same
    with or without ``taste``; only which products were viewed (and carted in browsing) differs.

    Returns
    -------
    events : DataFrame
        ``event_time``, ``session_id``, ``customer_id`` (missing for guests), ``event`` (view,
        add_to_cart, remove_from_cart, search, purchase), ``product_id``, ``search_term``,
        ``results`` (search hits), ``channel``, ``device``, ``value`` (price x quantity of a cart
        add or purchase), ``order_id``.
    truth : JourneyTruth
    """
    rng = np.random.default_rng((seed, EVENTS_SEED))
    end = tx["order_date"].max().normalize() + pd.Timedelta(days=1)
    start = end - pd.Timedelta(weeks=EVENT_WEEKS)
    lines = tx[(tx["order_date"] >= start) & (tx["quantity"] > 0) & tx["order_id"].str.startswith("O")]
    orders = lines.groupby("order_id", sort=True).agg(customer_id=("customer_id", "first"),
                                                      time=("order_date", "first"))
    n_orders = len(orders)
    segment = orders["customer_id"].map(customer_type).fillna("guest").to_numpy()
    seg_names, ch_names = list(EVENT_RATES), list(EVENT_CHANNELS)
    seg_code = pd.Categorical(segment, categories=seg_names).codes
    o_channel = rng.choice(len(ch_names), n_orders, p=list(EVENT_CHANNELS.values()))
    o_device = rng.choice(len(EVENT_DEVICES), n_orders, p=list(EVENT_DEVICES.values()))
    rates = _planted_rates()
    b = rates["browse_to_buy"].to_numpy().reshape(len(seg_names), len(ch_names))[seg_code, o_channel]
    a = rates["cart_abandonment"].to_numpy().reshape(len(seg_names), len(ch_names))[seg_code, o_channel]
    cart_share = a * b / ((1 - a) * (1 - b))  # E[abandoned carts] / E[browsing sessions] = a / (1 - a) * b / (1 - b)
    assert cart_share.max() <= 1.0, "planted rates need more browsing sessions than carts"

    n_prod = len(products)
    product_ids = products["product_id"].to_numpy()
    price = products["list_price"].to_numpy()
    appeal = np.ones(n_prod)
    lure = np.sort(rng.choice(n_prod, 8, replace=False))  # viewed often, bought rarely
    appeal[lure] = 25.0
    appeal /= appeal.sum()

    parts = []
    # purchase sessions: one per order, starting 3-40 minutes before it
    o_start = orders["time"].to_numpy() - pd.to_timedelta(rng.integers(3, 40, n_orders), unit="m").to_numpy()
    order_pos = pd.Index(orders.index).get_indexer(lines["order_id"])
    l_time = o_start[order_pos] + pd.to_timedelta(rng.integers(0, 120, len(lines)), unit="s").to_numpy()
    line_common = {"session": order_pos, "product_id": lines["product_id"].to_numpy()}
    line_value = (lines["unit_price"] * lines["quantity"]).to_numpy()
    parts.append(pd.DataFrame({**line_common, "event_time": l_time, "event": "view", "value": np.nan}))
    parts.append(pd.DataFrame({**line_common, "event_time": l_time + np.timedelta64(60, "s"),
                               "event": "add_to_cart", "value": line_value}))
    parts.append(pd.DataFrame({"session": order_pos, "product_id": lines["product_id"].to_numpy(),
                               "event_time": orders["time"].to_numpy()[order_pos], "event": "purchase",
                               "value": line_value, "order_id": lines["order_id"].to_numpy()}))
    # a few other products viewed in a purchase session (not bought)
    extra = rng.poisson(0.8, n_orders)
    e_sess = np.repeat(np.arange(n_orders), extra)
    e_prod = rng.integers(0, n_prod, len(e_sess))
    taste_rng = np.random.default_rng((seed, EVENTS_SEED, TASTE_STREAM))
    if taste is not None:
        liked = _browsed(products, taste, orders["customer_id"].to_numpy()[e_sess], taste_rng)
        e_prod = np.where(liked >= 0, liked, e_prod)
    parts.append(pd.DataFrame({"session": e_sess, "product_id": product_ids[e_prod],
                               "event_time": o_start[e_sess], "event": "view", "value": np.nan}))

    # browsing sessions that buy nothing, around the customer's order, in the same channel
    n_browse = rng.poisson((1 - b) / b)
    owner = np.repeat(np.arange(n_orders), n_browse)
    s_id = n_orders + np.arange(len(owner))
    s_start = (start + pd.to_timedelta(rng.uniform(0, EVENT_WEEKS * 7 * 86400, len(owner)), unit="s")).to_numpy()
    n_views = 1 + rng.poisson(1.5, len(owner))
    v_sess = np.repeat(np.arange(len(owner)), n_views)
    v_prod = rng.choice(n_prod, len(v_sess), p=appeal)
    if taste is not None:  # the lures stay; every other view follows the viewer's taste
        liked = _browsed(products, taste, orders["customer_id"].to_numpy()[owner[v_sess]], taste_rng)
        v_prod = np.where((liked >= 0) & ~np.isin(v_prod, lure), liked, v_prod)
        # looking before buying: a session before its customer's order first views one of its products
        first = np.r_[0, np.cumsum(n_views)[:-1]]
        o_time = orders["time"].to_numpy()
        ahead = (s_start < o_time[owner]) & (taste_rng.random(len(owner)) < PREVIEW_SHARE) \
            & ~np.isin(v_prod[first], lure) & pd.notna(orders["customer_id"].to_numpy()[owner])
        by_order = np.argsort(order_pos, kind="stable")
        o_first = np.searchsorted(order_pos[by_order], np.arange(n_orders))
        o_lines = np.bincount(order_pos, minlength=n_orders)
        pick = o_first[owner] + (taste_rng.random(len(owner)) * o_lines[owner]).astype(np.int64)
        line_prod = pd.Index(product_ids).get_indexer(lines["product_id"].to_numpy()[by_order])
        v_prod[first[ahead]] = line_prod[pick[ahead]]
    v_time = s_start[v_sess] + pd.to_timedelta(rng.integers(0, 900, len(v_sess)), unit="s").to_numpy()
    parts.append(pd.DataFrame({"session": s_id[v_sess], "product_id": product_ids[v_prod], "event_time": v_time,
                               "event": "view", "value": np.nan}))
    carted = rng.random(len(owner)) < cart_share[owner]
    first_view = np.r_[0, np.cumsum(n_views)[:-1]][carted]  # the session's first viewed product goes to the cart
    c_prod = v_prod[first_view]
    c_time = v_time[first_view] + np.timedelta64(45, "s")
    c_value = price[c_prod] * (1 + rng.poisson(0.3, len(c_prod)))
    parts.append(pd.DataFrame({"session": s_id[carted], "product_id": product_ids[c_prod], "event_time": c_time,
                               "event": "add_to_cart", "value": c_value}))
    removed = rng.random(len(c_prod)) < 0.25
    parts.append(pd.DataFrame({"session": s_id[carted][removed], "product_id": product_ids[c_prod[removed]],
                               "event_time": c_time[removed] + np.timedelta64(120, "s"),
                               "event": "remove_from_cart", "value": c_value[removed]}))

    # searches: a product's noun in some browsing sessions, a term the shop does not sell in others
    searching = np.flatnonzero(rng.random(len(owner)) < 0.3)
    nouns = products["product_name"].str.split(" ", n=1).str[1].str.lower().to_numpy()
    found = rng.random(len(searching)) < 0.85
    hit = rng.integers(0, n_prod, len(searching))
    terms = np.where(found, nouns[hit], np.array(ZERO_RESULT_TERMS)[rng.integers(0, len(ZERO_RESULT_TERMS),
                                                                                  len(searching))])
    parts.append(pd.DataFrame({"session": s_id[searching], "event_time": s_start[searching] - np.timedelta64(20, "s"),
                               "event": "search", "search_term": terms,
                               "results": np.where(found, rng.integers(1, 40, len(searching)), 0)}))

    events = pd.concat(parts, ignore_index=True)
    sess_order = np.where(events["session"] < n_orders, events["session"],
                          owner[np.maximum(events["session"].to_numpy() - n_orders, 0)])
    events["customer_id"] = orders["customer_id"].to_numpy()[sess_order]
    events["channel"] = np.array(ch_names)[o_channel[sess_order]]
    events["device"] = np.array(list(EVENT_DEVICES))[o_device[sess_order]]
    events["session_id"] = pd.Series(events["session"]).map("W{:07d}".format)
    events["event_time"] = events["event_time"].astype("datetime64[us]").dt.floor("s")
    events["value"] = events["value"].round(2)
    events["results"] = events["results"].astype("Int64")
    events = events[["event_time", "session_id", "customer_id", "event", "product_id", "search_term", "results",
                     "channel", "device", "value", "order_id"]]
    events = events.sort_values(["event_time", "session_id"], kind="stable", ignore_index=True)
    for col in ("session_id", "customer_id", "event", "product_id", "search_term", "channel", "device", "order_id"):
        events[col] = events[col].astype("str").where(events[col].notna())
    truth = JourneyTruth(rates=rates, viewed_not_bought=tuple(product_ids[lure]),
                         zero_result_terms=ZERO_RESULT_TERMS, start=start)
    return events, truth


def demo_reviews(demo: DemoRetailer, seed: int = 0):
    """The demo retailer's reviews and social posts (``voice.demo_texts``: planted sentiment per
    product, some products with a planted quality problem), written for its products over its order
    dates by some of its customers: the texts the Voice page shows for the demo, stored with the demo
    so the standard report has them. Returns ``voice.DemoTexts`` (table and planted truth)."""
    from promo_core import voice

    tx = demo.transactions
    customers = np.sort(tx["customer_id"].dropna().unique().astype(str))[:5000]
    return voice.demo_texts(np.sort(tx["product_id"].dropna().unique()), tx["order_date"].min(),
                            tx["order_date"].max(), customers, seed=seed)


def save_demo(workspace, seed: int = 0, *, if_empty: bool = False) -> str | None:
    """Generate the demo retailer and store it as a dataset with all its tables; returns its id
    (None with ``if_empty`` when the workspace already holds a dataset)."""
    from promo_core.io import finalize_transactions, quality_counts

    demo = generate(seed)
    data = finalize_transactions(demo.transactions)
    return workspace.save_dataset(
        "Demo retailer", {"transactions": data, "quarantine": pd.DataFrame({"row": pd.Series(dtype="int64"),
                                                                            "reason": pd.Series(dtype="str")}),
                          "products": demo.products, "customers": demo.customers, "campaign": demo.campaign,
                          "warehouses": demo.warehouses, "stores": demo.stores,
                          "spend": demo.spend, "events": demo.events, "reviews": demo_reviews(demo, seed).table},
        kind="demo", source="promo_core.sample_data.generate(seed=%d)" % seed, rows_in=len(data),
        mapping={c: c for c in demo.transactions.columns},
        report={**quality_counts(data), "format": "generated", "cost_per_unit_km": demo.cost_per_unit_km,
                "notes": []}, if_empty=if_empty)
