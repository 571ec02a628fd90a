SELECT o.order_id, c.name
FROM orders AS o
INNER JOIN customers AS c ON o.customer_id = c.id
