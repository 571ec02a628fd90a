-- error at 2:27
SELECT a FROM t WHERE b = 'abc
