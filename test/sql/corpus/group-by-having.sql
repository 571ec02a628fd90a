SELECT product, COUNT(DISTINCT customer_id) AS customers, SUM(price), MIN(price), MAX(price), AVG(price)
FROM orders
GROUP BY product
HAVING SUM(price) > 1000
