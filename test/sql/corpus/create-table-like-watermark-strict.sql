CREATE TABLE clicks (
  user_id STRING,
  url STRING,
  click_time TIMESTAMP(3),
  WATERMARK FOR click_time AS click_time
) WITH ('connector' = 'datagen', 'number-of-rows' = '100')
