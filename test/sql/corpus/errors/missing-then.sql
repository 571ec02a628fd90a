-- error at 2:24
SELECT CASE WHEN a > 1 'x' END FROM t
