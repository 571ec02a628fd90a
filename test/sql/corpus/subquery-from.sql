SELECT t.p, t.c FROM (SELECT product AS p, COUNT(*) AS c FROM orders GROUP BY product HAVING COUNT(*) > 1) AS t
