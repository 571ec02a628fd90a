-- error at 2:19
CREATE TABLE t (a INTEGR) WITH ('connector' = 'datagen')
