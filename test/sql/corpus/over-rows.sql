SELECT order_id,
  AVG(price) OVER w AS avg_price,
  MAX(price) OVER w AS max_price
FROM orders
WINDOW w AS (PARTITION BY product ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)
