SELECT DISTINCT product FROM orders
