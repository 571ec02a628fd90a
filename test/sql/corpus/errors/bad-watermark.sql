-- error at 3:13
CREATE TABLE t (ts TIMESTAMP(3),
  WATERMARK ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'datagen')
