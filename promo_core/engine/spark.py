"""Apache Spark as an engine: for sales tables that live in a Spark cluster or outgrow one machine.

Why a helper: a Spark driver opens ports (the driver, the block manager, a web UI showing every
query). On a shared server those must not listen on the network for a local session, so the
driver binds to the loopback address and the UI stays off; a cluster's driver needs an address its
executors reach, which the deployment gives as ``driver_host``. Spark SQL's reading of files named
in a query (``parquet.`/path```) is off: a table is reached through the catalog only, so a table
name cannot name a file on the server (``promo_core.engine.sources``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (importing PySpark costs a second; pages that never connect to Spark skip it)
    from ibis.backends.pyspark import Backend as SparkBackend


def spark_backend(master: str = "local[*]", *, driver_host: str = "127.0.0.1", app_name: str = "PromoLens",
                  config: dict | None = None) -> SparkBackend:
    """Ibis over the process's Spark session, started on first use.

    Spark allows one session per process: later calls return it, and options that only apply at
    start (the master, memory) are those of the first call.

    Parameters
    ----------
    master : str
        ``local[*]`` (all cores of this machine), ``local[2]``, or a cluster's URL
        (``spark://host:7077``, ``yarn``, ``k8s://…``).
    driver_host : str
        The address the driver listens on: loopback unless executors on other machines must
        reach it.
    app_name : str
        The name the cluster shows.
    config : dict, optional
        More Spark options (e.g. ``{"spark.driver.memory": "4g"}``).

    Returns
    -------
    ibis.backends.pyspark.Backend
        With the session time zone UTC (Ibis sets it), so dates of time-zone-free timestamps are
        the same as in DuckDB.

    Notes
    -----
    Needs Java 17 (Debian: ``openjdk-17-jre-headless``).
    """
    import ibis
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.driver.host", driver_host).config("spark.driver.bindAddress", driver_host)
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.runSQLOnFiles", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))  # frames in and out through Arrow
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    return ibis.pyspark.connect(builder.getOrCreate())
