SELECT o.order_id, c.name, s.status
FROM orders o
LEFT JOIN customers c ON o.customer_id = c.id
RIGHT OUTER JOIN shipments s ON s.order_id = o.order_id
FULL OUTER JOIN returns r ON r.order_id = o.order_id
