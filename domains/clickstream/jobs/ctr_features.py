"""Seven-day CTR features per campaign and creative for the CTR model, into
curated.ctr_features. Feature runs come in bursts after each gated hour, so
this runs on EMR on EKS, on capacity the platform's cluster already has."""
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

source_db, target_db = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("ctr-features").enableHiveSupport().getOrCreate()

window_start = F.date_sub(F.current_date(), 7)
impressions = spark.table(f"{source_db}.impressions").where(F.col("event_date") >= window_start)
clicks = spark.table(f"{source_db}.clicks").where(F.col("event_date") >= window_start)

features = (
    impressions.groupBy("campaign_id", "creative_id")
    .agg(F.count("impression_id").alias("impressions_7d"))
    .join(
        clicks.join(impressions.select("impression_id", "creative_id"), "impression_id")
        .groupBy("campaign_id", "creative_id")
        .agg(F.count("click_id").alias("clicks_7d")),
        ["campaign_id", "creative_id"],
        "left",
    )
    .fillna(0, ["clicks_7d"])
    .withColumn("ctr_7d", F.col("clicks_7d") / F.col("impressions_7d"))
    .withColumn("feature_date", F.current_date())
)

features.writeTo(f"{target_db}.ctr_features").overwritePartitions()
