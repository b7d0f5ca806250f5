"""Network optimisation: OR-Library optima, brute force on small instances, the transportation LP,
what-ifs, distances, uploads and hostile inputs."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from promo_core.errors import DataError
from promo_core.logistics import (distance_matrix, facility_location, haversine_km, plan_tables, read_cost_matrix,
                                  read_orlib, read_sites, what_if)
from tests.conftest import chinese_error

OPTIMA = ["cap41", "cap61", "cap62", "cap63", "cap64", "cap71", "cap72", "cap73", "cap74", "cap82", "cap101",
          "cap102", "cap103", "cap104", "cap124", "cap131", "cap132", "cap133", "cap134"]


@pytest.fixture(scope="module")
def optima(shared_data):
    return pd.read_csv(shared_data / "orlib" / "optima.csv").set_index("instance")["optimal_cost"]


def test_optima_file_lists_the_nineteen_instances(optima):
    assert sorted(optima.index) == sorted(OPTIMA)


@pytest.mark.parametrize("name", OPTIMA)
def test_orlib_instance_reaches_published_optimum(shared_data, optima, name):
    inst = read_orlib(shared_data / "orlib" / f"{name}.txt")
    plan = facility_location(inst["fixed_cost"], inst["capacity"], inst["demand"], inst["unit_cost"])
    assert plan.status == "optimal" and plan.gap == 0.0
    assert plan.total_cost == pytest.approx(optima[name], abs=1e-3)
    _assert_feasible(plan, inst["capacity"], inst["demand"])


def _assert_feasible(plan, capacity, demand):
    np.testing.assert_allclose(plan.flows.sum(axis=0), demand, rtol=1e-7, atol=1e-6)
    assert (plan.flows.sum(axis=1) <= np.asarray(capacity) * plan.open + 1e-6).all()
    assert (plan.flows >= 0).all()


def _random_instance(seed, m, n):
    rng = np.random.default_rng(seed)
    demand = rng.integers(5, 30, n).astype(float)
    capacity = rng.uniform(0.3, 0.6, m) * demand.sum()
    fixed = rng.uniform(50, 300, m)
    cost = rng.uniform(1, 10, (m, n))
    return fixed, capacity, demand, cost


def _transport_lp(capacity, demand, cost):
    """Independent dense transportation LP for a fixed set of open warehouses."""
    m, n = cost.shape
    a_eq = np.kron(np.ones(m), np.eye(n))
    a_ub = np.kron(np.eye(m), np.ones(n))
    res = linprog(cost.ravel(), A_ub=a_ub, b_ub=capacity, A_eq=a_eq, b_eq=demand, method="highs")
    return res.fun if res.status == 0 else np.inf


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_split_demand_matches_brute_force_over_every_open_set(seed):
    fixed, capacity, demand, cost = _random_instance(seed, 4, 7)
    best = min(fixed[list(s)].sum() + _transport_lp(capacity[list(s)], demand, cost[list(s)])
               for k in range(1, 5) for s in itertools.combinations(range(4), k))
    plan = facility_location(fixed, capacity, demand, cost)
    assert plan.total_cost == pytest.approx(best, rel=1e-9)
    _assert_feasible(plan, capacity, demand)


@pytest.mark.parametrize("seed", [4, 5])
def test_single_sourcing_matches_brute_force_over_every_assignment(seed):
    fixed, capacity, demand, cost = _random_instance(seed, 3, 6)
    best = np.inf
    for assign in itertools.product(range(3), repeat=6):
        a = np.array(assign)
        load = np.bincount(a, weights=demand, minlength=3)
        if (load <= capacity).all():
            used = np.unique(a)
            best = min(best, fixed[used].sum() + (cost[a, np.arange(6)] * demand).sum())
    plan = facility_location(fixed, capacity, demand, cost, single_sourcing=True)
    assert plan.total_cost == pytest.approx(best, rel=1e-9)
    assert ((plan.flows > 0).sum(axis=0) == 1).all(), "each store is served by exactly one warehouse"
    _assert_feasible(plan, capacity, demand)


def test_single_sourcing_never_beats_split_demand():
    fixed, capacity, demand, cost = _random_instance(7, 4, 8)
    split = facility_location(fixed, capacity, demand, cost)
    single = facility_location(fixed, capacity, demand, cost, single_sourcing=True)
    assert single.total_cost >= split.total_cost - 1e-6


def test_all_warehouses_fixed_open_solves_the_transportation_lp_by_hand():
    # two warehouses, two stores; both stores are cheapest from W1, which only holds 10 of the 14 units.
    # Moving a unit of A to W2 costs 3 - 1 = 2 extra, a unit of B 5 - 2 = 3 extra, so B stays at W1:
    # W1 -> A 4, W1 -> B 6, W2 -> A 4: 4*1 + 6*2 + 4*3 = 28, plus 300 fixed
    plan = facility_location([100, 200], [10, 50], [8, 6], [[1.0, 2.0], [3.0, 5.0]], force_open=True)
    assert plan.model == "transportation LP"
    assert plan.open.tolist() == [True, True]
    np.testing.assert_allclose(plan.flows, [[4, 6], [4, 0]])
    assert plan.transport_cost == pytest.approx(28.0)
    assert plan.total_cost == pytest.approx(328.0)


def test_forced_open_and_closed_warehouses_are_respected():
    fixed, capacity, demand, cost = _random_instance(3, 4, 7)
    free = facility_location(fixed, capacity, demand, cost)
    first_open = int(np.flatnonzero(free.open)[0])
    first_closed = int(np.flatnonzero(~free.open)[0])
    closed = np.zeros(4, bool)
    closed[first_open] = True
    opened = np.zeros(4, bool)
    opened[first_closed] = True
    plan = facility_location(fixed, capacity, demand, cost, force_closed=closed, force_open=opened)
    assert not plan.open[first_open] and plan.flows[first_open].sum() == 0
    assert plan.open[first_closed]
    assert plan.total_cost >= free.total_cost - 1e-6


def test_forbidden_lanes_carry_nothing():
    cost = np.array([[1.0, np.inf], [4.0, 2.0]])
    plan = facility_location([0, 0], [100, 100], [10, 10], cost)
    assert plan.flows[0, 1] == 0
    assert plan.total_cost == pytest.approx(10 * 1 + 10 * 2)


def test_demand_above_capacity_gets_a_clear_message():
    with pytest.raises(DataError, match=r"stores need 150 units .* only 100.* at least 50"):
        facility_location([10, 10], [60, 40], [100, 50], np.ones((2, 2)))


def test_closing_warehouses_below_demand_is_explained_in_chinese():
    with pytest.raises(DataError, match="门店需要"):
        facility_location([10, 10], [60, 60], [50, 50], np.ones((2, 2)), force_closed=[True, False], lang="zh")


def test_single_sourcing_store_larger_than_any_warehouse_is_explained():
    with pytest.raises(DataError, match="single sourcing, store number 1 needs 70"):
        facility_location([10, 10], [60, 60], [70, 20], np.ones((2, 2)), single_sourcing=True)


def test_single_sourcing_packing_infeasibility_is_proved_not_dumped():
    # total capacity 10 covers demand 10, but 4 + 4 + 2 cannot be packed into 5 + 5
    with pytest.raises(DataError, match="solver proved"):
        facility_location([1, 1], [5, 5], [4, 4, 2], np.ones((2, 3)), single_sourcing=True)


@pytest.mark.parametrize("kwargs, message", [
    ({"unit_cost": [[1.0, np.nan], [1.0, 1.0]]}, "missing or negative costs"),
    ({"demand": [5, -1]}, "cannot be negative"),
    ({"capacity": [100]}, "2 fixed costs but 1 capacities"),
    ({"unit_cost": np.ones((3, 2))}, "one row per warehouse"),
    ({"fixed_cost": ["a", "b"]}, "must be numbers"),
])
def test_bad_inputs_raise_data_errors(kwargs, message):
    args = {"fixed_cost": [1, 1], "capacity": [100, 100], "demand": [5, 5], "unit_cost": np.ones((2, 2))}
    args.update(kwargs)
    with pytest.raises(DataError, match=message):
        facility_location(**args)


def test_haversine_london_to_paris():
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.6, abs=0.5)


def test_demo_network_is_served_at_optimal_cost(demo):
    km = distance_matrix(demo.warehouses, demo.stores)
    cost = km * demo.cost_per_unit_km
    plan = facility_location(demo.warehouses["fixed_cost"], demo.warehouses["capacity"], demo.stores["demand"], cost)
    assert plan.optimal
    tables = plan_tables(plan, demo.warehouses, demo.stores, cost, km)
    assert tables.flows["units"].sum() == pytest.approx(demo.stores["demand"].sum())
    assert tables.flows["shipping_cost"].sum() == pytest.approx(plan.transport_cost)
    assert tables.warehouses["fixed_cost"].sum() == pytest.approx(plan.fixed_cost)
    assert (tables.warehouses["utilisation"] <= 1 + 1e-9).all()
    assert (tables.stores["served_by"] != "").all()
    # Glasgow and Edinburgh are served from Bellshill if it is open, never from the south coast
    scottish = tables.flows[tables.flows["store"].isin(["Glasgow", "Edinburgh"])]
    assert (scottish["distance_km"] < 500).all()


def test_what_if_closing_an_open_warehouse_costs_at_least_as_much(demo):
    cost = distance_matrix(demo.warehouses, demo.stores) * demo.cost_per_unit_km
    base = facility_location(demo.warehouses["fixed_cost"], demo.warehouses["capacity"], demo.stores["demand"], cost)
    closing = demo.warehouses["site_id"][base.open].iloc[0]
    result = what_if(demo.warehouses, demo.stores, cost, base, close=[closing])
    total = result.summary.set_index("measure")
    assert total.loc["total_cost", "difference"] >= -1e-6
    assert not result.scenario.open[demo.warehouses["site_id"].eq(closing).to_numpy()][0]
    assert closing in set(result.changes["site_id"])


def test_what_if_demand_rise_ships_that_much_more(demo):
    cost = distance_matrix(demo.warehouses, demo.stores) * demo.cost_per_unit_km
    base = facility_location(demo.warehouses["fixed_cost"], demo.warehouses["capacity"], demo.stores["demand"], cost)
    result = what_if(demo.warehouses, demo.stores, cost, base, demand_change=0.1)
    units = result.summary.set_index("measure").loc["units_shipped"]
    assert units["scenario"] == pytest.approx(1.1 * units["base"])
    assert result.summary.set_index("measure").loc["total_cost", "difference"] > 0


def test_what_if_capacity_cut_below_demand_is_a_data_error(demo):
    cost = distance_matrix(demo.warehouses, demo.stores) * demo.cost_per_unit_km
    base = facility_location(demo.warehouses["fixed_cost"], demo.warehouses["capacity"], demo.stores["demand"], cost)
    with pytest.raises(DataError, match="capacity"):
        what_if(demo.warehouses, demo.stores, cost, base, capacity={w: 0 for w in demo.warehouses["site_id"]})


def test_read_sites_understands_loose_headers():
    csv = "Warehouse,Latitude,Lng,Max units,Fixed cost\nNorth,53.4,-2.2,\"1,000\",500\nSouth,51.5,-0.1,800,700\n"
    sites = read_sites(csv.replace("Max units", "Capacity").encode(), "warehouses")
    expected = pd.DataFrame({"site_id": ["North", "South"], "name": ["North", "South"], "lat": [53.4, 51.5],
                             "lon": [-2.2, -0.1], "capacity": [1000.0, 800.0], "fixed_cost": [500.0, 700.0]})
    pd.testing.assert_frame_equal(sites, expected, check_dtype=False)


def test_a_damaged_excel_upload_gets_a_message():
    with pytest.raises(DataError, match="could not be opened as an Excel workbook"):
        read_sites(b"PK\x03\x04 this is not a workbook", "stores")


def test_read_sites_reads_chinese_headers():
    csv = "门店编号,纬度,经度,需求\nS1,31.23,121.47,120\nS2,39.90,116.40,80\n"
    sites = read_sites(csv.encode("utf-8"), "stores")
    assert sites["demand"].tolist() == [120.0, 80.0]
    assert sites["site_id"].tolist() == ["S1", "S2"]


@pytest.mark.parametrize("csv, message", [
    ("id,lat,lon,demand\nA,95,0,10\n", "Row 1 .*invalid lat"),
    ("id,lat,lon,demand\nA,50,0,-3\n", "invalid demand"),
    ("id,lat,lon,demand\nA,50,0,3\nA,51,0,4\n", "more than once"),
    ("id,lat,lon\nA,50,0\n", "no column for demand"),
    ("", "empty"),
])
def test_read_sites_rejects_bad_tables(csv, message):
    with pytest.raises(DataError, match=message):
        read_sites(csv.encode(), "stores")


def _two_by_two():
    wh = pd.DataFrame({"site_id": ["W1", "W2"], "name": ["W1", "W2"], "lat": [0, 0], "lon": [0, 1],
                       "capacity": [10, 10], "fixed_cost": [1, 1]})
    st = pd.DataFrame({"site_id": ["S1", "S2"], "name": ["S1", "S2"], "lat": [1, 1], "lon": [0, 1], "demand": [1, 1]})
    return wh, st


def test_read_cost_matrix_wide_and_long_agree():
    wh, st = _two_by_two()
    wide = read_cost_matrix(b"warehouse,S1,S2\nW1,1.5,2\nW2,3,\n", wh, st)
    long = read_cost_matrix(b"from,to,cost\nW1,S1,1.5\nW1,S2,2\nW2,S1,3\n", wh, st)
    np.testing.assert_array_equal(wide, long)
    assert np.isinf(wide[1, 1]), "a lane left out cannot be used"


def test_read_cost_matrix_rejects_unknown_sites():
    wh, st = _two_by_two()
    with pytest.raises(DataError, match="not in the warehouses/stores tables: W9"):
        read_cost_matrix(b"from,to,cost\nW9,S1,1\n", wh, st)


def test_network_map_draws_the_shipped_land_outline_under_the_plan(demo):
    from promo_core import charts

    km = distance_matrix(demo.warehouses, demo.stores)
    cost = km * demo.cost_per_unit_km
    plan = facility_location(demo.warehouses["fixed_cost"], demo.warehouses["capacity"], demo.stores["demand"], cost)
    tables = plan_tables(plan, demo.warehouses, demo.stores, cost, km)
    wh = demo.warehouses.merge(tables.warehouses[["site_id", "open", "shipped"]], on="site_id")
    names = {"flows": "Flows", "stores": "Stores", "open": "Open", "closed": "Closed"}
    fig = charts.network_map(wh, demo.stores, tables.flows, "Optimal network", names, "Longitude (°)", "Latitude (°)")
    land = fig.data[0]
    assert land.fill == "toself" and len(land.x) > 1000
    lon = np.array([v for v in land.x if v is not None], float)
    lat = np.array([v for v in land.y if v is not None], float)
    # Great Britain's coast is there: near Brighton and near Liverpool, both coastal store cities
    assert (np.hypot(lon - (-0.14), lat - 50.82) < 0.1).any() and (np.hypot(lon - (-3.0), lat - 53.41) < 0.15).any()
    assert fig.layout.title.text == "Optimal network"
    assert fig.layout.xaxis.title.text == "Longitude (°)" and fig.layout.yaxis.title.text == "Latitude (°)"
    assert sum(t.name == "Open" for t in fig.data) == 1


def test_what_if_capacity_change_is_respected_and_more_capacity_never_costs_more(demo):
    cost = distance_matrix(demo.warehouses, demo.stores) * demo.cost_per_unit_km
    base = facility_location(demo.warehouses["fixed_cost"], demo.warehouses["capacity"], demo.stores["demand"], cost)
    busiest = demo.warehouses["site_id"].iloc[int(np.argmax(base.flows.sum(axis=1)))]
    row = demo.warehouses["site_id"].eq(busiest).to_numpy()
    cut = what_if(demo.warehouses, demo.stores, cost, base, capacity={busiest: 500})
    assert cut.scenario.flows[row].sum() <= 500 + 1e-6
    assert cut.summary.set_index("measure").loc["total_cost", "difference"] >= -1e-6
    doubled = what_if(demo.warehouses, demo.stores, cost, base,
                      capacity={w: 2 * c for w, c in zip(demo.warehouses["site_id"], demo.warehouses["capacity"])})
    assert doubled.summary.set_index("measure").loc["total_cost", "difference"] <= 1e-6


def test_read_sites_reads_an_excel_upload():
    import io

    frame = pd.DataFrame({"ID": ["A", "B"], "Lat": [52.0, 53.0], "Lon": [-1.0, -2.0], "Demand": [10, 20]})
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    sites = read_sites(buffer.getvalue(), "stores")
    assert sites["demand"].tolist() == [10.0, 20.0] and sites["site_id"].tolist() == ["A", "B"]


def test_untranslated_logistics_errors_now_have_chinese_text():
    args = {"fixed_cost": [1, 1], "capacity": [100, 100], "demand": [5, 5], "unit_cost": np.ones((2, 2))}
    calls = [lambda: facility_location(**args, force_open=[True]),
             lambda: facility_location(**args, force_closed=[True, False, True]),
             lambda: read_sites(b"  \n", "stores"),
             lambda: read_sites(b'id,lat\n"A,50\n1,2', "warehouses")]
    for call in calls:
        chinese_error(call)
