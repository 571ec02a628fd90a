-- error at 3:1
SELECT a, b FROM
WHERE a > 1
