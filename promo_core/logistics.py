"""Warehouse-to-store network optimisation: which warehouses to open and which warehouse serves
which store, at the lowest fixed plus shipping cost.

``facility_location`` solves the capacitated facility-location problem as a mixed-integer
programme with HiGHS (``scipy.optimize.milp``) to proven optimality; when every warehouse's
open/closed decision is fixed it solves the pure transportation LP (``scipy.optimize.linprog``).
A store's demand may be split across warehouses (the default, and the model behind Beasley's
OR-Library optima) or served by a single warehouse (single sourcing).

Costs come from haversine distance x cost per unit-km, or from an uploaded cost matrix. Demand
forecasts live in ``promo_core.forecast`` and stock policy in ``promo_core.inventory``.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from promo_core.errors import DataError
from promo_core.io import normalise_header, read_table, reason_message
from promo_core.text import Message

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class NetworkPlan:
    """The optimal network plan.

    Attributes
    ----------
    open : ndarray of bool, shape (m,)
        Which warehouses are open.
    flows : ndarray, shape (m, n)
        Units shipped from each warehouse to each store per period.
    total_cost, fixed_cost, transport_cost : float
        Cost per period: fixed costs of the open warehouses plus shipping.
    status : str
        ``"optimal"`` (proven) or ``"time limit"`` (best plan found; see ``gap``).
    gap : float
        Relative gap between the plan's cost and the best lower bound (0 = proven optimal).
    model : str
        ``"facility-location MILP"``, ``"single-sourcing MILP"`` or ``"transportation LP"``.
    single_sourcing : bool
        Whether each store was served by exactly one warehouse.
    seconds : float
        Solver wall time.
    """

    open: np.ndarray
    flows: np.ndarray
    total_cost: float
    fixed_cost: float
    transport_cost: float
    status: str
    gap: float
    model: str
    single_sourcing: bool
    seconds: float

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


def _vector(values, name: str) -> np.ndarray:
    """``values`` as finite numbers ≥ 0; ``name`` is the catalogue id of what they are."""
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise DataError(Message("logistics.error.not_numbers", what=Message(name))) from None
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise DataError(Message("logistics.error.missing_value", what=Message(name), position=bad + 1))
    if (arr < 0).any():
        bad = int(np.flatnonzero(arr < 0)[0])
        raise DataError(Message("logistics.error.negative", what=Message(name), position=bad + 1, value=float(arr[bad])))
    return arr


def _mask(values, m: int, name: str) -> np.ndarray:
    if values is None:
        return np.zeros(m, dtype=bool)
    if np.isscalar(values):
        return np.full(m, bool(values))
    arr = np.asarray(values, dtype=bool).ravel()
    if arr.shape != (m,):
        raise DataError(Message("logistics.error.mask", what=Message(f"logistics.{name}"), warehouses=m, given=arr.size))
    return arr


def facility_location(fixed_cost, capacity, demand, unit_cost, *, single_sourcing: bool = False,
                      force_open=None, force_closed=None, time_limit: float | None = None) -> NetworkPlan:
    """Open warehouses and route store demand at the lowest total cost.

    Minimises ``sum(fixed_cost[i] * open[i]) + sum(unit_cost[i, j] * flow[i, j])`` subject to every
    store receiving its demand, no warehouse shipping more than its capacity, and closed
    warehouses shipping nothing. The model works with the share of each store's demand served by
    each warehouse and the strong linking constraints ``share[i, j] <= open[i]``, which make the LP
    relaxation tight enough for HiGHS to prove optimality quickly.

    Parameters
    ----------
    fixed_cost : array-like, shape (m,)
        Cost of keeping each warehouse open for the period.
    capacity : array-like, shape (m,)
        Units each warehouse can ship in the period.
    demand : array-like, shape (n,)
        Units each store needs in the period.
    unit_cost : array-like, shape (m, n)
        Cost of shipping one unit from warehouse i to store j; ``inf`` marks a lane that cannot be used.
    single_sourcing : bool, default False
        Serve every store from exactly one warehouse instead of letting demand split.
    force_open, force_closed : bool or array-like of bool, shape (m,), optional
        Warehouses whose decision is fixed (``force_open=True`` opens all). When every decision is
        fixed and demand may split, the pure transportation LP is solved.
    time_limit : float, optional
        Seconds after which HiGHS stops with its best plan (``status="time limit"``, ``gap`` > 0).

    Returns
    -------
    NetworkPlan

    Raises
    ------
    DataError
        Bad shapes or values, or no plan can serve the demand (e.g. demand above the total capacity).

    References
    ----------
    Cornuéjols, Sridharan & Thizy (1991), A comparison of heuristics and relaxations for the
    capacitated plant location problem, EJOR 50, 280-297. Beasley (1988), OR-Library.
    """
    f = _vector(fixed_cost, "logistics.fixed_cost")
    cap = _vector(capacity, "logistics.capacity")
    d = _vector(demand, "logistics.demand")
    m, n = f.size, d.size
    if m == 0 or n == 0:
        raise DataError(Message("logistics.error.empty_network"))
    if cap.size != m:
        raise DataError(Message("logistics.error.capacities", warehouses=m, capacities=cap.size))
    c = np.asarray(unit_cost, dtype=float)
    if c.shape != (m, n):
        raise DataError(Message("logistics.error.cost_shape", warehouses=m, stores=n, shape=" x ".join(map(str, c.shape))))
    if np.isnan(c).any() or (c < 0).any():
        raise DataError(Message("logistics.error.bad_costs"))
    lane = np.isfinite(c)
    closed = _mask(force_closed, m, "force_closed")
    opened = _mask(force_open, m, "force_open") & ~closed
    _check_feasible(cap, d, lane, closed, single_sourcing)

    start = time.perf_counter()
    if not single_sourcing and (opened | closed).all():
        plan = _solve_transportation(f, cap, d, c, lane, opened)
    else:
        plan = _solve_assignment(f, cap, d, c, lane, opened, closed, time_limit, single_sourcing)
    open_, flows, status, gap, model = plan
    flows = np.where(flows > 1e-9, flows, 0.0)
    fixed = float(f[open_].sum())
    transport = float(np.where(lane, c, 0.0).ravel() @ flows.ravel())
    return NetworkPlan(open=open_, flows=flows, total_cost=fixed + transport, fixed_cost=fixed,
                       transport_cost=transport, status=status, gap=gap, model=model,
                       single_sourcing=single_sourcing, seconds=time.perf_counter() - start)


def _check_feasible(cap, d, lane, closed, single_sourcing):
    available = cap[~closed].sum()
    total = d.sum()
    if total > available * (1 + 1e-9):
        raise DataError(Message("logistics.error.capacity_short", demand=float(total), available=float(available), missing=float(total - available)))
    reach = lane & ~closed[:, None]
    stranded = np.flatnonzero((d > 0) & ~reach.any(axis=0))
    if stranded.size:
        raise DataError(Message("logistics.error.stranded", store=int(stranded[0]) + 1))
    if single_sourcing:
        biggest = np.where(reach, cap[:, None], 0).max(axis=0)
        too_big = np.flatnonzero(d > biggest * (1 + 1e-9))
        if too_big.size:
            j = too_big[0]
            raise DataError(Message("logistics.error.single_too_big", store=int(j) + 1, demand=float(d[j]), largest=float(biggest[j])))


def _infeasible() -> DataError:
    return DataError(Message("logistics.error.infeasible"))


def _status(res) -> tuple[str, float]:
    if res.status == 0:
        return "optimal", 0.0
    if res.status == 2:
        raise _infeasible()
    if res.x is None:
        raise DataError(Message("logistics.error.no_plan_in_time"))
    gap = getattr(res, "mip_gap", None)
    return "time limit", float(gap) if gap is not None else float("nan")


def _solve_assignment(f, cap, d, c, lane, opened, closed, time_limit, single):
    """The MILP over the share of each store's demand served by each warehouse.

    ``z[i, j]`` is the share of store j's demand shipped from warehouse i (binary when single
    sourcing), so flows are ``demand[j] * z[i, j]``. Stores need ``sum_i z[i, j] = 1``; a warehouse
    ships at most its capacity, and only when open: ``sum_j demand[j] z[i, j] <= capacity[i] open[i]``
    and the strong links ``z[i, j] <= open[i]``. The shares keep every coefficient of the links at
    1, which HiGHS handles markedly faster than links scaled by demand.
    """
    m, n = c.shape
    nz = m * n
    served = d > 0
    rows_i = np.repeat(np.arange(m), n)
    cols_j = np.tile(np.arange(n), m)
    share_cap = np.divide(cap[:, None], d[None, :], out=np.zeros((m, n)), where=served[None, :])
    ub_z = np.where(lane & served[None, :], np.minimum(1.0, share_cap), 0.0)
    if single:
        ub_z = np.where(share_cap >= 1 - 1e-9, ub_z, 0.0)
    ub_z = ub_z.ravel()
    cost = np.concatenate([(np.where(lane, c, 0.0) * d[None, :]).ravel(), f])
    zs = np.arange(nz)
    a_dem = sparse.csr_matrix((np.ones(nz), (cols_j, zs)), shape=(n, nz + m))
    a_cap = sparse.csr_matrix((np.concatenate([np.tile(d, m), -cap]),
                               (np.concatenate([rows_i, np.arange(m)]), np.concatenate([zs, nz + np.arange(m)]))),
                              shape=(m, nz + m))
    keep = ub_z > 0  # links of lanes that cannot carry flow are empty
    a_link = sparse.csr_matrix((np.concatenate([np.ones(nz), -np.ones(nz)]),
                                (np.concatenate([zs, zs]), np.concatenate([zs, nz + rows_i]))), shape=(nz, nz + m))
    # the open warehouses can hold the total demand (a valid cut that tightens the relaxation)
    a_total = sparse.csr_matrix(np.concatenate([np.zeros(nz), cap])[None, :])
    need = served.astype(float)
    constraints = [LinearConstraint(a_dem, need, need), LinearConstraint(a_cap, -np.inf, 0.0),
                   LinearConstraint(a_link[keep], -np.inf, 0.0), LinearConstraint(a_total, d.sum(), np.inf)]
    lb = np.concatenate([np.zeros(nz), opened.astype(float)])
    ub = np.concatenate([ub_z, (~closed).astype(float)])
    integrality = np.concatenate([np.full(nz, 1.0 if single else 0.0), np.ones(m)])
    options = {"mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    res = milp(cost, integrality=integrality, bounds=Bounds(lb, ub), constraints=constraints, options=options)
    status, gap = _status(res)
    z = res.x[:nz].reshape(m, n)
    if single:
        z = (z > 0.5).astype(float)
    model = "single-sourcing MILP" if single else "facility-location MILP"
    return res.x[nz:] > 0.5, z * d[None, :], status, gap, model


def _solve_transportation(f, cap, d, c, lane, opened):
    m, n = c.shape
    idx = np.argwhere(lane & opened[:, None])  # (warehouse, store) pairs that may carry flow
    k = len(idx)
    a_eq = sparse.csr_matrix((np.ones(k), (idx[:, 1], np.arange(k))), shape=(n, k))
    a_ub = sparse.csr_matrix((np.ones(k), (idx[:, 0], np.arange(k))), shape=(m, k))
    cap_open = np.where(opened, cap, 0.0)
    res = linprog(c[idx[:, 0], idx[:, 1]], A_ub=a_ub, b_ub=cap_open, A_eq=a_eq, b_eq=d, bounds=(0, None),
                  method="highs")
    if res.status == 2:
        raise _infeasible()
    if res.status != 0:
        raise DataError(Message("logistics.error.transportation", detail=str(res.message)))
    flows = np.zeros((m, n))
    flows[idx[:, 0], idx[:, 1]] = res.x
    return opened.copy(), flows, "optimal", 0.0, "transportation LP"


# ------------------------------------------------------------------------------------------------
# Distances and costs
# ------------------------------------------------------------------------------------------------
def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between points (arrays broadcast: pass ``[:, None]`` for a matrix)."""
    p1, p2 = np.radians(np.asarray(lat1, float)), np.radians(np.asarray(lat2, float))
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, float) - np.asarray(lon1, float))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def distance_matrix(warehouses: pd.DataFrame, stores: pd.DataFrame) -> np.ndarray:
    """Road-free great-circle distance (km) from every warehouse (rows) to every store (columns)."""
    return haversine_km(warehouses["lat"].to_numpy()[:, None], warehouses["lon"].to_numpy()[:, None],
                        stores["lat"].to_numpy()[None, :], stores["lon"].to_numpy()[None, :])


# ------------------------------------------------------------------------------------------------
# Reading the network: warehouses, stores, cost matrix
# ------------------------------------------------------------------------------------------------
_SITE_SYNONYMS = {
    "site_id": ["siteid", "id", "warehouseid", "storeid", "dcid", "code", "sitecode", "locationid", "site",
                "编号", "仓库编号", "门店编号", "仓库id", "门店id", "站点"],
    "name": ["name", "sitename", "warehouse", "store", "warehousename", "storename", "city", "location",
             "名称", "仓库", "门店", "城市"],
    "lat": ["lat", "latitude", "纬度", "y"],
    "lon": ["lon", "lng", "long", "longitude", "经度", "x"],
    "capacity": ["capacity", "cap", "maxunits", "throughput", "容量", "产能", "最大容量"],
    "fixed_cost": ["fixedcost", "fixed", "cost", "opencost", "weeklycost", "rent", "固定成本", "运营成本", "成本"],
    "demand": ["demand", "units", "weeklydemand", "volume", "sales", "quantity", "需求", "需求量", "销量"],
}
_SITE_COLUMNS = {"warehouses": ["site_id", "name", "lat", "lon", "capacity", "fixed_cost"],
                 "stores": ["site_id", "name", "lat", "lon", "demand"]}


def read_rows(source) -> pd.DataFrame:
    """A small table as read by ``promo_core.io.read_table`` (any CSV dialect and encoding, .xlsx,
    Parquet), or a DataFrame as it is; a line the reader could not read is an error here, never a
    silently missing site or lane."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    table = read_table(source, text=True)
    if len(table.quarantine):
        first = table.quarantine.iloc[0]
        raise DataError(Message("logistics.error.unreadable_line", file=table.file, row=int(first["row"]),
                                reason=reason_message(first["reason"], first["reason_values"]),
                                lines=len(table.quarantine)))
    return table.data


def read_sites(source, kind: str) -> pd.DataFrame:
    """Warehouses or stores from an uploaded CSV/Excel, validated, in the canonical columns.

    Parameters
    ----------
    source : path, bytes, file-like or DataFrame
        The table (a file is read by ``promo_core.io.read_table``). Headers are matched loosely
        (``Latitude``, ``lng``, ``纬度`` …).
    kind : {"warehouses", "stores"}
        Warehouses need site_id, lat, lon, capacity, fixed_cost; stores need site_id, lat, lon, demand.
        ``name`` is optional (the id is used).

    Returns
    -------
    DataFrame
        Columns ``site_id, name, lat, lon, capacity, fixed_cost`` or ``site_id, name, lat, lon, demand``.
    """
    if kind not in _SITE_COLUMNS:
        raise ValueError(f"kind must be 'warehouses' or 'stores', not {kind!r}")
    raw = read_rows(source)
    columns = {normalise_header(c): c for c in raw.columns}
    wanted = _SITE_COLUMNS[kind]
    found: dict[str, str] = {}
    for role in wanted:
        for synonym in [role.replace("_", "")] + _SITE_SYNONYMS[role]:
            col = columns.get(synonym)
            if col is not None and col not in found.values():
                found[role] = col
                break
    if "site_id" not in found and "name" in found:
        found["site_id"] = found["name"]
    missing = [r for r in wanted if r not in found and r != "name"]
    table = Message(f"logistics.table.{kind}")
    if missing:
        raise DataError(Message("logistics.error.site_columns", table=table,
                                needed=[r for r in wanted if r != "name"], missing=missing,
                                columns=[str(c) for c in raw.columns]))
    ids = raw[found["site_id"]]
    out = pd.DataFrame({"site_id": ids.astype(str).str.strip()})
    out["name"] = raw[found["name"]].astype(str).str.strip() if "name" in found else out["site_id"]
    if out["site_id"].eq("").any() or ids.isna().any():
        row = int(np.flatnonzero(ids.isna().to_numpy() | out["site_id"].eq("").to_numpy())[0]) + 1
        raise DataError(Message("logistics.error.site_no_id", table=table, row=row))
    dup = out["site_id"][out["site_id"].duplicated()]
    if len(dup):
        raise DataError(Message("logistics.error.site_twice", table=table, site=dup.iloc[0]))
    for role in wanted[2:]:
        values = pd.to_numeric(raw[found[role]].astype(str).str.replace(",", "").str.strip(), errors="coerce")
        bad = values.isna()
        if role == "lat":
            bad |= ~values.between(-90, 90)
        elif role == "lon":
            bad |= ~values.between(-180, 180)
        else:
            bad |= values < 0
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(Message("logistics.error.site_value", table=table, row=row + 1,
                                    site=out["site_id"].iloc[row], column=role,
                                    value=str(raw[found[role]].iloc[row])))
        out[role] = values.astype(float).to_numpy()
    if out.empty:
        raise DataError(Message("logistics.error.site_no_rows", table=table))
    return out


def _site_key(value) -> str:
    """A site id as the cost table is matched on it: a whole number by its value ("001", "1" and
    1.0 are the same site: the reader reads a column of numbers as numbers, but not the header)."""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def read_cost_matrix(source, warehouses: pd.DataFrame, stores: pd.DataFrame) -> np.ndarray:
    """A warehouse x store cost per unit from an uploaded table.

    Accepts a wide table (first column the warehouse id, one column per store id) or a long one
    (warehouse id, store id, cost). Pairs the table leaves out are lanes that cannot be used.

    Returns
    -------
    ndarray, shape (len(warehouses), len(stores))
        Cost per unit shipped; ``inf`` where the table has no lane.
    """
    raw = read_rows(source)
    w_ids = [_site_key(w) for w in warehouses["site_id"]]
    s_ids = [_site_key(s) for s in stores["site_id"]]
    cols = [str(c).strip() for c in raw.columns]
    raw.columns = cols
    if len(cols) == 3 and not {_site_key(c) for c in cols[1:]} & set(s_ids):
        long = pd.DataFrame({"w": raw.iloc[:, 0].map(_site_key), "s": raw.iloc[:, 1].map(_site_key),
                             "cost": pd.to_numeric(raw.iloc[:, 2], errors="coerce")})
    else:
        wide = raw.set_index(cols[0])
        wide.index = wide.index.map(_site_key)
        wide.columns = [_site_key(c) for c in wide.columns]
        long = wide.stack(future_stack=True).rename("cost").reset_index()
        long.columns = ["w", "s", "cost"]
        long["cost"] = pd.to_numeric(long["cost"], errors="coerce")
        long = long[long["cost"].notna() | long["s"].isin(s_ids)]
        long = long[long["cost"].notna()]
    unknown_w = sorted(set(long["w"]) - set(w_ids))
    unknown_s = sorted(set(long["s"]) - set(s_ids))
    if unknown_w or unknown_s:
        raise DataError(Message("logistics.error.cost_unknown_sites", sites=unknown_w[:3] + unknown_s[:3]))
    if long["cost"].isna().any() or (long["cost"] < 0).any():
        row = long[long["cost"].isna() | (long["cost"] < 0)].iloc[0]
        raise DataError(Message("logistics.error.cost_value", warehouse=row["w"], store=row["s"]))
    if long.duplicated(["w", "s"]).any():
        row = long[long.duplicated(["w", "s"])].iloc[0]
        raise DataError(Message("logistics.error.cost_twice", warehouse=row["w"], store=row["s"]))
    matrix = np.full((len(w_ids), len(s_ids)), np.inf)
    matrix[pd.Index(w_ids).get_indexer(long["w"]), pd.Index(s_ids).get_indexer(long["s"])] = long["cost"].to_numpy()
    return matrix


# ------------------------------------------------------------------------------------------------
# Plans as tables, and what-ifs
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanTables:
    """A plan as tables a manager can read and download.

    Attributes
    ----------
    flows : DataFrame
        One row per used lane: warehouse_id, warehouse, store_id, store, units, cost_per_unit,
        distance_km (when known) and shipping_cost.
    warehouses : DataFrame
        One row per warehouse: site_id, name, open, capacity, shipped, utilisation, fixed_cost,
        shipping_cost, stores_served.
    stores : DataFrame
        One row per store: site_id, name, demand, served_by, shipping_cost, cost_per_unit.
    """

    flows: pd.DataFrame
    warehouses: pd.DataFrame
    stores: pd.DataFrame


def plan_tables(plan: NetworkPlan, warehouses: pd.DataFrame, stores: pd.DataFrame, unit_cost,
                distance_km=None) -> PlanTables:
    """The plan's flows, warehouse use and store supply as tables."""
    c = np.asarray(unit_cost, float)
    wi, sj = np.nonzero(plan.flows > 1e-9)
    units = plan.flows[wi, sj]
    flows = pd.DataFrame({
        "warehouse_id": warehouses["site_id"].to_numpy()[wi], "warehouse": warehouses["name"].to_numpy()[wi],
        "store_id": stores["site_id"].to_numpy()[sj], "store": stores["name"].to_numpy()[sj],
        "units": units, "cost_per_unit": c[wi, sj]})
    if distance_km is not None:
        flows["distance_km"] = np.asarray(distance_km, float)[wi, sj]
    flows["shipping_cost"] = flows["units"] * flows["cost_per_unit"]
    shipped = plan.flows.sum(axis=1)
    ship_cost = np.bincount(wi, weights=units * c[wi, sj], minlength=len(warehouses))
    cap = warehouses["capacity"].to_numpy(float)
    wh = pd.DataFrame({
        "site_id": warehouses["site_id"].to_numpy(), "name": warehouses["name"].to_numpy(), "open": plan.open,
        "capacity": cap, "shipped": shipped,
        "utilisation": np.divide(shipped, cap, out=np.zeros_like(shipped), where=cap > 0),
        "fixed_cost": np.where(plan.open, warehouses["fixed_cost"].to_numpy(float), 0.0),
        "shipping_cost": ship_cost, "stores_served": np.bincount(wi, minlength=len(warehouses))})
    served_by = flows.groupby("store_id", sort=False)["warehouse"].agg(lambda s: ", ".join(s))
    st_cost = np.bincount(sj, weights=units * c[wi, sj], minlength=len(stores))
    demand = stores["demand"].to_numpy(float)
    st = pd.DataFrame({
        "site_id": stores["site_id"].to_numpy(), "name": stores["name"].to_numpy(), "demand": demand,
        "served_by": served_by.reindex(stores["site_id"]).fillna("").to_numpy(), "shipping_cost": st_cost,
        "cost_per_unit": np.divide(st_cost, demand, out=np.zeros_like(st_cost), where=demand > 0)})
    return PlanTables(flows=flows, warehouses=wh, stores=st)


@dataclass(frozen=True)
class WhatIf:
    """A scenario re-optimised against the base plan.

    Attributes
    ----------
    base, scenario : NetworkPlan
    summary : DataFrame
        Rows fixed cost / shipping cost / total cost / units shipped / warehouses open, with
        columns ``measure``, ``base``, ``scenario``, ``difference``.
    changes : DataFrame
        Warehouses whose status or volume changed: site_id, name, base_open, scenario_open,
        base_units, scenario_units.
    """

    base: NetworkPlan
    scenario: NetworkPlan
    summary: pd.DataFrame
    changes: pd.DataFrame


def what_if(warehouses: pd.DataFrame, stores: pd.DataFrame, unit_cost, base: NetworkPlan, *,
            close: list[str] | tuple = (), capacity: dict | None = None, demand_change: float = 0.0,
            single_sourcing: bool | None = None, time_limit: float | None = None) -> WhatIf:
    """Close warehouses, change capacities or raise demand, re-optimise, and compare with ``base``.

    Parameters
    ----------
    warehouses, stores : DataFrame
        The base network (``read_sites`` columns).
    unit_cost : array-like, shape (m, n)
        Cost per unit shipped.
    base : NetworkPlan
        The plan to compare against.
    close : list of str
        Warehouse site ids that must stay closed.
    capacity : dict, optional
        Warehouse site id -> new capacity.
    demand_change : float
        Relative change of every store's demand (0.1 = +10 %).
    single_sourcing : bool, optional
        Defaults to the base plan's choice.

    Returns
    -------
    WhatIf
    """
    ids = warehouses["site_id"].astype(str)
    unknown = [w for w in list(close) + list(capacity or {}) if w not in set(ids)]
    if unknown:
        raise DataError(Message("logistics.error.unknown_warehouse", warehouse=unknown[0]))
    if demand_change <= -1:
        raise DataError(Message("logistics.error.demand_change"))
    cap = warehouses["capacity"].to_numpy(float).copy()
    for w, value in (capacity or {}).items():
        cap[ids.eq(w).to_numpy()] = value
    demand = stores["demand"].to_numpy(float) * (1 + demand_change)
    single = base.single_sourcing if single_sourcing is None else single_sourcing
    scenario = facility_location(warehouses["fixed_cost"].to_numpy(float), cap, demand, unit_cost,
                                 single_sourcing=single, force_closed=ids.isin(list(close)).to_numpy(),
                                 time_limit=time_limit)
    measures = ["fixed_cost", "shipping_cost", "total_cost", "units_shipped", "warehouses_open"]
    b = [base.fixed_cost, base.transport_cost, base.total_cost, base.flows.sum(), base.open.sum()]
    s = [scenario.fixed_cost, scenario.transport_cost, scenario.total_cost, scenario.flows.sum(), scenario.open.sum()]
    summary = pd.DataFrame({"measure": measures, "base": np.array(b, float), "scenario": np.array(s, float)})
    summary["difference"] = summary["scenario"] - summary["base"]
    changes = pd.DataFrame({"site_id": ids.to_numpy(), "name": warehouses["name"].to_numpy(),
                            "base_open": base.open, "scenario_open": scenario.open,
                            "base_units": base.flows.sum(axis=1), "scenario_units": scenario.flows.sum(axis=1)})
    moved = (changes["base_open"] != changes["scenario_open"]) | ~np.isclose(changes["base_units"],
                                                                           changes["scenario_units"])
    return WhatIf(base=base, scenario=scenario, summary=summary, changes=changes[moved].reset_index(drop=True))


def read_orlib(path) -> dict:
    """One of Beasley's OR-Library capacitated warehouse-location instances.

    The file gives, per customer, its demand and the cost of serving ALL of that demand from each
    warehouse; the per-unit cost is that cost divided by the demand.

    Returns
    -------
    dict
        ``fixed_cost`` (m,), ``capacity`` (m,), ``demand`` (n,), ``unit_cost`` (m, n).
    """
    tokens = Path(path).read_text().split()
    m, n = int(tokens[0]), int(tokens[1])
    pos = 2
    capacity, fixed = np.empty(m), np.empty(m)
    for i in range(m):
        capacity[i], fixed[i] = float(tokens[pos]), float(tokens[pos + 1])
        pos += 2
    demand, total_cost = np.empty(n), np.empty((m, n))
    for j in range(n):
        demand[j] = float(tokens[pos])
        total_cost[:, j] = np.array(tokens[pos + 1:pos + 1 + m], float)
        pos += 1 + m
    return {"fixed_cost": fixed, "capacity": capacity, "demand": demand,
            "unit_cost": total_cost / np.where(demand > 0, demand, 1.0)[None, :]}


# ------------------------------------------------------------------------------------------------
# The network as one input
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Network:
    """A warehouse-to-store network to plan: the sites and the cost of one unit on each lane.

    Why one object: the warehouses, the stores and their costs come from the dataset or from three
    uploads, and an analysis takes them as one setting. It is equal to (and hashes like) any
    network with the same content, so a cache keys on it and an unchanged upload solves nothing again.

    Attributes
    ----------
    warehouses, stores : DataFrame
        ``read_sites``' columns.
    unit_cost : ndarray, shape (m, n)
        Cost per unit shipped; ``inf`` where there is no lane.
    distance_km : ndarray, shape (m, n)
        Great-circle distances.
    cost_per_unit_km : float or None
        The rate the costs were made from (None when they came from a cost table).
    """

    warehouses: pd.DataFrame
    stores: pd.DataFrame
    unit_cost: np.ndarray
    distance_km: np.ndarray
    cost_per_unit_km: float | None = None

    def __post_init__(self):
        digest = hashlib.sha256()
        for frame in (self.warehouses, self.stores):
            digest.update(frame.to_csv(index=False).encode("utf-8"))
        for array in (self.unit_cost, self.distance_km):
            digest.update(np.ascontiguousarray(array, dtype=float).tobytes())
        digest.update(repr(self.cost_per_unit_km).encode())
        object.__setattr__(self, "_digest", digest.hexdigest())

    def __eq__(self, other) -> bool:
        return isinstance(other, Network) and self._digest == other._digest

    def __hash__(self) -> int:
        return hash(self._digest)

    @classmethod
    def build(cls, warehouses, stores, *, cost_per_unit_km: float | None = None, cost_table=None) -> "Network":
        """A network from site tables (``read_sites`` sources) and either a rate per unit and km
        (shipping cost = great-circle distance x rate) or a cost table (``read_cost_matrix``)."""
        w, s = read_sites(warehouses, "warehouses"), read_sites(stores, "stores")
        km = distance_matrix(w, s)
        if cost_table is not None:
            return cls(w, s, read_cost_matrix(cost_table, w, s), km)
        if cost_per_unit_km is None or not np.isfinite(cost_per_unit_km) or cost_per_unit_km < 0:
            raise DataError(Message("logistics.error.rate", rate=cost_per_unit_km))
        return cls(w, s, km * float(cost_per_unit_km), km, float(cost_per_unit_km))

    @property
    def store_names(self) -> dict:
        """Store id -> name."""
        return dict(zip(self.stores["site_id"], self.stores["name"]))

    @property
    def warehouse_names(self) -> dict:
        """Warehouse id -> name."""
        return dict(zip(self.warehouses["site_id"], self.warehouses["name"]))

    @property
    def capacities(self) -> dict:
        """Warehouse id -> capacity (units a week)."""
        return dict(zip(self.warehouses["site_id"], self.warehouses["capacity"].astype(float)))
