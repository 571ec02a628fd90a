CREATE TABLE orders (
  order_id BIGINT NOT NULL,
  price DECIMAL(10, 2),
  quantity INT,
  ts_millis BIGINT,
  total AS price * quantity,
  ts AS TO_TIMESTAMP_LTZ(ts_millis, 3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
  PRIMARY KEY (order_id) NOT ENFORCED
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '10',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '1000'
)
