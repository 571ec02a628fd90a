SELECT * FROM orders ORDER BY ts DESC, order_id LIMIT 10
