"""Local engines besides DuckDB: a throwaway PostgreSQL cluster, Spark tables over Parquet."""
