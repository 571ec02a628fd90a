WITH big AS (SELECT * FROM orders WHERE price > 100)
SELECT product, COUNT(*) FROM big GROUP BY product
