SELECT order_id, price FROM orders WHERE price > 10
UNION ALL
SELECT order_id, price FROM archived_orders
