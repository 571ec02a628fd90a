EXPLAIN SELECT order_id FROM orders WHERE quantity > 2
