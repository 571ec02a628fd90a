SELECT * FROM orders WHERE quantity IN (1, 2, 3) AND product NOT IN ('a', 'b')
