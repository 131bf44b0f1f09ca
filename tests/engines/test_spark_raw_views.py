"""The Spark raw views keep what dlt's merge keeps, although the files only ever grow: two loads
of one ticket, the second with other tags, and a replayed copy of a tag row."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.engines.spark import register_raw_tables, session

pytestmark = [pytest.mark.spark, pytest.mark.slow]

SCHEMA = {
    "tables": {
        "tickets": {
            "columns": {
                "id": {"data_type": "bigint", "primary_key": True},
                "status": {"data_type": "text"},
                "_dlt_load_id": {"data_type": "text"},
                "_dlt_id": {"data_type": "text"},
            }
        },
        "tickets__tags": {
            "parent": "tickets",
            "columns": {
                "value": {"data_type": "text"},
                "_dlt_parent_id": {"data_type": "text"},
                "_dlt_list_idx": {"data_type": "bigint"},
                "_dlt_id": {"data_type": "text"},
            },
        },
    }
}


def write(folder: Path, name: str, rows: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), folder / f"{name}.parquet")


@pytest.fixture(scope="module")
def spark(spark_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    # A metastore of its own: the embedded one admits one JVM, and dbt's builds open the shared one.
    spark = session(tmp_path_factory.mktemp("spark-views"))
    yield spark
    spark.stop()


def test_views_keep_the_newest_version_and_its_lists_once(spark: Any, tmp_path: Path) -> None:
    dataset = tmp_path / "raw_views_test"
    (dataset / "_dlt_version").mkdir(parents=True)
    (dataset / "_dlt_version" / "1.jsonl").write_text(json.dumps({"schema": json.dumps(SCHEMA)}))
    # load 1: ticket 1 is open, tagged a and b; ticket 2 is new
    write(
        dataset / "tickets",
        "load1",
        [
            {"id": 1, "status": "open", "_dlt_load_id": "1.0", "_dlt_id": "t1v1"},
            {"id": 2, "status": "new", "_dlt_load_id": "1.0", "_dlt_id": "t2v1"},
        ],
    )
    write(
        dataset / "tickets__tags",
        "load1",
        [
            {"value": "a", "_dlt_parent_id": "t1v1", "_dlt_list_idx": 0, "_dlt_id": "g1"},
            {"value": "b", "_dlt_parent_id": "t1v1", "_dlt_list_idx": 1, "_dlt_id": "g2"},
        ],
    )
    # load 2: ticket 1 solved and tagged c only; its tag row written twice (a replayed job)
    write(
        dataset / "tickets",
        "load2",
        [{"id": 1, "status": "solved", "_dlt_load_id": "2.0", "_dlt_id": "t1v2"}],
    )
    replayed = {"value": "c", "_dlt_parent_id": "t1v2", "_dlt_list_idx": 0, "_dlt_id": "g3"}
    write(dataset / "tickets__tags", "load2", [replayed])
    write(dataset / "tickets__tags", "load2_replayed", [replayed])

    registered = register_raw_tables(spark, tmp_path, ["raw_views_test"])

    assert registered == ["raw_views_test.tickets", "raw_views_test.tickets__tags"]
    tickets = spark.sql("select id, status from raw_views_test.tickets order by id").collect()
    assert [tuple(row) for row in tickets] == [(1, "solved"), (2, "new")]
    tags = spark.sql("select _dlt_parent_id, value from raw_views_test.tickets__tags").collect()
    assert [tuple(row) for row in tags] == [("t1v2", "c")]
