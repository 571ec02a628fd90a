SELECT order_id, price FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY ts ASC) AS row_num FROM orders
) WHERE row_num = 1
