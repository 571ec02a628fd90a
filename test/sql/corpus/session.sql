SELECT window_start, window_end, order_id, COUNT(*)
FROM TABLE(SESSION(TABLE orders PARTITION BY order_id, DESCRIPTOR(ts), INTERVAL '5' MINUTES))
GROUP BY order_id, window_start, window_end
