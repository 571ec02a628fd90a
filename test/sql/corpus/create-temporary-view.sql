CREATE TEMPORARY VIEW IF NOT EXISTS recent (id, amount) AS SELECT order_id, total FROM orders
