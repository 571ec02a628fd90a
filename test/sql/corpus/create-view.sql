CREATE VIEW big_orders AS
SELECT order_id, price * quantity AS amount
FROM orders
WHERE price > 100
