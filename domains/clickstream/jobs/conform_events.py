"""Split the raw ad-server event stream into processed.impressions and
processed.clicks. Event volume is spiky (campaign launches), so this runs on
EMR Serverless, which scales to zero between runs."""
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

source_db, target_db = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("conform-events").enableHiveSupport().getOrCreate()

events = spark.table(f"{source_db}.events").withColumn("event_time", F.to_timestamp("event_time"))
impressions = (
    events.where(F.col("event_type") == "impression")
    .withColumn("event_date", F.to_date("event_time"))
    .withColumn("event_hour", F.hour("event_time").cast("tinyint"))
    .dropDuplicates(["impression_id"])
)
clicks = events.where(F.col("event_type") == "click").withColumn("event_date", F.to_date("event_time"))

impressions.writeTo(f"glue_catalog.{target_db}.impressions").overwritePartitions()
clicks.writeTo(f"glue_catalog.{target_db}.clicks").overwritePartitions()
