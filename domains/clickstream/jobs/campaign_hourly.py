"""Roll impressions and clicks up to curated.campaign_hourly (Iceberg)."""
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

imps = spark.table(f"{args['source_database']}.impressions").groupBy("campaign_id", F.date_trunc("hour", "event_time").alias("hour"))
clicks = spark.table(f"{args['source_database']}.clicks").groupBy("campaign_id", F.date_trunc("hour", "event_time").alias("hour"))
hourly = (
    imps.agg(F.count("*").alias("impressions"), F.sum("bid_price_usd").alias("spend_usd"))
    .join(clicks.agg(F.count("*").alias("clicks")), ["campaign_id", "hour"], "left")
    .fillna({"clicks": 0})
    .withColumn("ctr", F.col("clicks") / F.col("impressions"))
)
hourly.writeTo(f"glue_catalog.{args['target_database']}.campaign_hourly").overwritePartitions()
job.commit()
