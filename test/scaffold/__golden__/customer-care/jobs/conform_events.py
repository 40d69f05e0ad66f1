"""Conform the customer-care domain's raw events into processed.events: parse the
event time, keep one row per event_id, partition by event date. A sample job
from `lakeform new-domain`: replace it with your own transform."""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

# Lakeform passes the databases of the environment: no names are hard-coded.
args = getResolvedOptions(sys.argv, ["JOB_NAME", "source_database", "target_database"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)
spark = glue.spark_session

raw = spark.table(f"{args['source_database']}.events")
events = (
    raw.where(F.col("event_id").isNotNull())
    .dropDuplicates(["event_id"])
    .withColumn("event_date", F.to_date("event_time"))
    .select("event_id", "event_time", "event_type", "payload", "event_date")
)
events.write.mode("append").insertInto(f"{args['target_database']}.events")
job.commit()
