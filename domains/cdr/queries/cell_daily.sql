-- Calls, minutes and charges per cell and day, for radio-network planning.
-- Tables are named <zone>.<table>: Lakeform writes the environment's database
-- names. {{ ds }} is the run's logical date (an Airflow macro). The partition
-- column comes last, as Athena's INSERT INTO a partitioned table requires.
INSERT INTO curated.cell_daily
SELECT
  cell_id,
  region,
  count(*) AS calls,
  sum(duration_seconds) / 60.0 AS minutes,
  sum(charge) AS charges,
  call_date
FROM processed.calls
WHERE call_date = DATE '{{ ds }}'
GROUP BY cell_id, region, call_date
