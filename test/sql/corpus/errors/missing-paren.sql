-- error at 3:1
CREATE TABLE t (a INT, b STRING
WITH ('connector' = 'datagen')
