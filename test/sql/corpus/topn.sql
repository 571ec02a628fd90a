SELECT order_id, price
FROM (
  SELECT order_id, price, ROW_NUMBER() OVER (PARTITION BY quantity ORDER BY price DESC, ts ASC) AS rn
  FROM orders
)
WHERE rn <= 5
