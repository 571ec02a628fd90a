SELECT
  CASE WHEN price > 100 THEN 'high' WHEN price > 10 THEN 'mid' ELSE 'low' END AS band,
  CASE quantity WHEN 1 THEN 'one' ELSE 'many' END AS q,
  CAST(price AS BIGINT) AS p,
  TRY_CAST(product AS INT) AS pi,
  CAST('2024-01-01 00:00:00' AS TIMESTAMP(3)) AS t
FROM orders
