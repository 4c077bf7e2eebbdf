"""Spark (the Iceberg reference implementation) as an independent reader.

One SparkSession (local[2], small memory) for the whole pytest session, started on first use —
about 20 s — and stopped by pytest_sessionfinish (conftest.py), its JVM by PID. Each test gets
its own `newSession()` (cheap: it shares the JVM and SparkContext) so it can name its catalog as
pg2iceberg did: Iceberg's JdbcCatalog reads the SQL catalog tables in the test's database under
the catalog name sink.catalog_name; a RESTCatalog talks to the REST catalog test server. Both
read s3:// through Iceberg's S3FileIO (iceberg-aws-bundle) and file:// through HadoopFileIO.

The jars come from the local Maven repository (scripts/install.sh fetches them).

Values come back through Arrow (`DataFrame.toArrow()`, the session time zone UTC), so they are
the same Python types DuckDB and PyIceberg produce; readers.normalize() treats them alike. The
only type Spark reads differently is Iceberg's uuid, which Spark has no type for: it reads as
the canonical string, which normalize() already compares as a string.
"""
import os
import pathlib
import subprocess

M2 = pathlib.Path(os.environ.get("PG2ICEBERG_M2_REPOSITORY", pathlib.Path.home() / ".m2" / "repository"))
ICEBERG_VERSION = "1.11.0"
POSTGRES_JDBC_VERSION = "42.7.14"
JARS = [
    M2 / f"org/apache/iceberg/iceberg-spark-runtime-4.1_2.13/{ICEBERG_VERSION}/"
         f"iceberg-spark-runtime-4.1_2.13-{ICEBERG_VERSION}.jar",
    M2 / f"org/apache/iceberg/iceberg-aws-bundle/{ICEBERG_VERSION}/iceberg-aws-bundle-{ICEBERG_VERSION}.jar",
    M2 / f"org/postgresql/postgresql/{POSTGRES_JDBC_VERSION}/postgresql-{POSTGRES_JDBC_VERSION}.jar",
]

_base = None


def missing_reason():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (tests/requirements.txt)"
    for jar in JARS:
        if not jar.is_file():
            return f"{jar} is missing (mvn dependency:get, see scripts/install.sh)"
    return None


def base_session():
    global _base
    if _base is None:
        reason = missing_reason()
        if reason:
            raise AssertionError(f"Spark unavailable: {reason}")  # install.sh provides it: not a skip
        from pyspark.sql import SparkSession
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        classpath = ":".join(str(j) for j in JARS)
        _base = (SparkSession.builder.master("local[2]").appName("pg2iceberg-e2e")
                 .config("spark.driver.memory", "1g")
                 .config("spark.driver.extraClassPath", classpath)
                 .config("spark.executor.extraClassPath", classpath)
                 .config("spark.driver.bindAddress", "127.0.0.1")
                 .config("spark.driver.host", "127.0.0.1")
                 .config("spark.ui.enabled", "false")
                 .config("spark.sql.shuffle.partitions", "2")
                 .config("spark.sql.session.timeZone", "UTC")
                 .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
                 .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                 .getOrCreate())
        _base.sparkContext.setLogLevel("ERROR")
    return _base


def session_for(mirror):
    """A Spark session of its own for one test (its catalogs configured by `rows`)."""
    return base_session().newSession()


def rows(session, catalog, namespace, name, columns="*", version=None):
    """(column names, rows) of table namespace.name in `catalog` = (name, properties); `columns`
    is the SELECT list (metadata columns such as _row_id or _pos can be named); of its snapshot
    `version` (time travel: VERSION AS OF) when given."""
    catalog_name, properties = catalog
    prefix = f"spark.sql.catalog.{catalog_name}"
    if session.conf.get(prefix, None) is None:
        session.conf.set(prefix, "org.apache.iceberg.spark.SparkCatalog")
        for key, value in properties.items():
            session.conf.set(f"{prefix}.{key}", value)
    quoted = ".".join("`" + part.replace("`", "``") + "`" for part in (catalog_name, namespace, name))
    as_of = f" VERSION AS OF {int(version)}" if version is not None else ""
    arrow = session.sql(f"SELECT {columns} FROM {quoted}{as_of}").toArrow()
    return arrow.column_names, list(zip(*[c.to_pylist() for c in arrow.columns]))


def stop():
    """Stops the session and its JVM (by PID) if one was started."""
    global _base
    if _base is None:
        return
    from pyspark import SparkContext
    gateway = SparkContext._gateway
    process = getattr(gateway, "proc", None) if gateway is not None else None
    try:
        _base.stop()
    finally:
        _base = None
        if gateway is not None:
            gateway.shutdown()
        if process is not None and process.poll() is None:
            process.stdin.close()  # the JVM exits when its stdin closes
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        SparkContext._gateway = None
        SparkContext._jvm = None
