"""Nightly cell traffic: calls, minutes and distinct subscribers per cell and
day over the full call history, rebuilt on a transient EMR cluster whose task
nodes are Spot. Reads processed.calls through Lake Formation as the job's
runtime role; AQE coalesces the many small day partitions and splits the hot
cells of city centres."""
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

source_db, target_db = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("cell-traffic").enableHiveSupport().getOrCreate()

calls = spark.table(f"{source_db}.calls")
daily = calls.groupBy("cell_id", "region", "call_date").agg(
    F.count("*").alias("calls"),
    (F.sum("duration_seconds") / 60.0).alias("minutes"),
    F.countDistinct("msisdn").alias("distinct_subscribers"),
)
daily.writeTo(f"glue_catalog.{target_db}.cell_traffic_daily").overwritePartitions()
