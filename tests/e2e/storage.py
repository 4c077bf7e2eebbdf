"""The storage configurations the end-to-end suite runs in, and how each reader reaches a table
in each of them.

    file-sql  file:// warehouse, SQL catalog in the source database
    s3-sql    s3:// warehouse on moto, SQL catalog in the source database
    s3-rest   s3:// warehouse on moto, Apache Iceberg's REST catalog test server (its JDBC
              store in the session's Postgres)

Readers: DuckDB reads the metadata file the SQL catalog points at with iceberg_scan (over httpfs
for s3://) and attaches the REST catalog (ATTACH … TYPE ICEBERG); PyIceberg uses SqlCatalog or
RestCatalog (with pyarrow's S3 filesystem for s3://); Spark uses Iceberg's JdbcCatalog or
RESTCatalog (spark_reader.py).
"""
from moto_server import ACCESS_KEY, REGION, SECRET_KEY
from pg_server import PASSWORD, SUPERUSER

CONFIGURATIONS = ("file-sql", "s3-sql", "s3-rest")


class Storage:
    def __init__(self, name, s3=None, rest=None):
        assert name in CONFIGURATIONS, name
        self.name = name
        self.s3 = s3
        self.rest = rest
        assert (s3 is not None) == name.startswith("s3-")
        assert (rest is not None) == name.endswith("-rest")
        self._client = None

    def __repr__(self):
        return self.name

    @property
    def is_rest(self):
        return self.rest is not None

    def s3_client(self):
        if self._client is None:
            self._client = self.s3.client()
        return self._client

    def sink_settings(self):
        """The sink keys of this configuration (besides sink.warehouse and sink.catalog_name)."""
        settings = {}
        if self.s3:
            settings.update({"s3_endpoint": self.s3.endpoint, "s3_access_key": ACCESS_KEY,
                             "s3_secret_key": SECRET_KEY, "s3_region": REGION})
        if self.rest:
            settings.update({"catalog_type": "rest", "catalog_uri": self.rest.uri})
        return settings

    def s3_properties(self):
        """Iceberg FileIO properties for moto (PyIceberg and Java's S3FileIO spell them alike)."""
        if not self.s3:
            return {}
        return {"s3.endpoint": self.s3.endpoint, "s3.access-key-id": ACCESS_KEY,
                "s3.secret-access-key": SECRET_KEY, "s3.region": REGION, "s3.path-style-access": "true"}

    # --- catalogs -------------------------------------------------------------------------------

    def pyiceberg_catalog(self, mirror):
        if self.rest:
            from pyiceberg.catalog.rest import RestCatalog
            return RestCatalog("rest", uri=self.rest.uri, **self.s3_properties())
        from pyiceberg.catalog.sql import SqlCatalog
        return SqlCatalog(mirror.catalog_name, uri=mirror.catalog_uri(), **self.s3_properties())

    def metadata_location(self, mirror, namespace, name):
        if self.rest:
            from pyiceberg.exceptions import NoSuchTableError
            try:
                return self.pyiceberg_catalog(mirror).load_table((namespace, name)).metadata_location
            except NoSuchTableError:
                return None
        from readers import metadata_location
        conn = mirror.connect()
        try:
            return metadata_location(conn, mirror.catalog_name, namespace, name)
        finally:
            conn.close()

    # --- DuckDB ---------------------------------------------------------------------------------

    def duckdb_connection(self, timezone="UTC"):
        """A DuckDB connection with the iceberg extension, and for s3:// httpfs with a secret
        for moto."""
        import duckdb_extensions
        from readers import duckdb_connection
        con = duckdb_connection(timezone)
        if self.s3 or self.rest:
            duckdb_extensions.import_extension("httpfs", con=con)
            con.execute("LOAD httpfs")
        if self.s3:
            con.execute(f"""CREATE SECRET (TYPE S3, KEY_ID '{ACCESS_KEY}', SECRET '{SECRET_KEY}',
                            REGION '{REGION}', ENDPOINT '127.0.0.1:{self.s3.port}', URL_STYLE 'path',
                            USE_SSL false)""")
        return con

    def duckdb_rows(self, mirror, namespace, name, timezone="UTC"):
        con = self.duckdb_connection(timezone)
        try:
            if self.rest:
                con.execute(f"ATTACH '' AS rest (TYPE ICEBERG, ENDPOINT '{self.rest.uri}', "
                            "AUTHORIZATION_TYPE 'none')")
                quoted = '"' + namespace.replace('"', '""') + '"."' + name.replace('"', '""') + '"'
                cur = con.execute(f"SELECT * FROM rest.{quoted}")
            else:
                location = self.metadata_location(mirror, namespace, name)
                assert location, f"{namespace}.{name} is not in the catalog"
                cur = con.execute(f"SELECT * FROM iceberg_scan('{location}')")
            names = [d[0] for d in cur.description]
            return names, cur.fetchall()
        finally:
            con.close()

    # --- Spark ----------------------------------------------------------------------------------

    def spark_catalog(self, mirror):
        """(Spark catalog name, its properties) for reading this mirror's tables. The JDBC
        catalog's name must be sink.catalog_name: it is the catalog_name column it reads."""
        # cache-enabled=false: a test reads a table again after pg2iceberg committed to it; the
        # default catalog cache would keep showing the first version it loaded.
        properties = {"type": "rest", "uri": self.rest.uri} if self.rest else {
            "type": "jdbc", "uri": f"jdbc:postgresql://127.0.0.1:{mirror.pg.port}/{mirror.database}",
            "jdbc.user": SUPERUSER, "jdbc.password": PASSWORD, "jdbc.schema-version": "V1",
            "warehouse": mirror.warehouse}
        properties["cache-enabled"] = "false"
        if self.s3:
            properties.update({"io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
                               "client.region": REGION, **self.s3_properties()})
            properties.pop("s3.region")
        else:
            properties["io-impl"] = "org.apache.iceberg.hadoop.HadoopFileIO"
        return ("rest" if self.rest else mirror.catalog_name), properties

    # --- after a test ---------------------------------------------------------------------------

    def clean_up(self, mirror):
        """Forgets what the test wrote in shared servers: its tables in the REST catalog (shared by
        every s3-rest test: namespaces such as `public` recur) and its bucket."""
        if self.rest:
            catalog = self.pyiceberg_catalog(mirror)
            for namespace in catalog.list_namespaces():
                for identifier in catalog.list_tables(namespace):
                    catalog.drop_table(identifier)
                catalog.drop_namespace(namespace)
        if self.s3 and mirror.bucket:
            client = self.s3_client()
            try:
                mirror.delete_warehouse()
                for page in client.get_paginator("list_objects_v2").paginate(Bucket=mirror.bucket):
                    for o in page.get("Contents", []):
                        client.delete_object(Bucket=mirror.bucket, Key=o["Key"])
                client.delete_bucket(Bucket=mirror.bucket)
            except client.exceptions.NoSuchBucket:
                pass
