"""Build curated.invoices from processed.payments, one invoice per account and
month. Card data is read to match refunds to payments but never written."""
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

payments = spark.table(f"{args['source_database']}.payments").where(F.col("status") == "captured")
invoices = payments.groupBy("account_id", F.trunc("authorised_at", "month").alias("billing_month"), "currency").agg(
    F.concat_ws("-", F.col("account_id"), F.date_format(F.trunc("authorised_at", "month"), "yyyyMM")).alias("invoice_id"),
    F.collect_list(F.struct(F.lit("payment").alias("sku"), F.lit(1).alias("quantity"), F.col("amount"))).alias("lines"),
    F.sum("amount").cast("decimal(18,2)").alias("total"),
)
invoices.writeTo(f"glue_catalog.{args['target_database']}.invoices").overwritePartitions()
job.commit()
