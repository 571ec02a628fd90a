-- error at 2:8
SELECT JSON_OBJECT('a', 1) FROM t
