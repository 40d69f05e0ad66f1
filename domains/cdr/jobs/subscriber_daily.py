"""Aggregate processed.calls into curated.subscriber_daily (calls, minutes and
charges per subscriber and day). Non-urgent: runs on Glue Flex after
conform-calls succeeds."""
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
spark = glue.spark_session

daily = (
    spark.table(f"{args['source_database']}.calls")
    .groupBy("msisdn", F.col("call_date").alias("day"))
    .agg(
        F.count("*").alias("calls"),
        (F.sum("duration_seconds") / 60.0).alias("minutes"),
        F.sum("charge").cast("decimal(18,4)").alias("charges"),
    )
)
daily.writeTo(f"glue_catalog.{args['target_database']}.subscriber_daily").overwritePartitions()
job.commit()
