-- error at 2:14
SELECT a, b, FROM t
