"""Conform raw CDR events into processed.calls: typed, deduplicated by call_id,
partitioned by call date and region. Runs on Glue with job bookmarks, so each
run reads only the raw partitions that landed since the last one."""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

args = getResolvedOptions(sys.argv, ["JOB_NAME", "source_database", "target_database"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)

raw = glue.create_dynamic_frame.from_catalog(
    database=args["source_database"], table_name="cdr_events", transformation_ctx="raw_cdr_events"
).toDF()

calls = (
    raw.withColumn("started_at", F.to_timestamp("started_at"))
    .withColumn("call_date", F.to_date("started_at"))
    .withColumn("region_code", F.upper(F.col("region")))
    .withColumn("charge", F.col("charge").cast("decimal(12,4)"))
    .dropDuplicates(["call_id"])
)

calls.writeTo(f"glue_catalog.{args['target_database']}.calls").overwritePartitions()
job.commit()
