CREATE TEMPORARY TABLE sink_print (
  id BIGINT,
  name STRING
) WITH ('connector' = 'print')
