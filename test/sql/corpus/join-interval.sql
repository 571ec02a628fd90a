SELECT o.order_id, s.ship_time
FROM orders o, shipments s
WHERE o.order_id = s.order_id
  AND s.ship_time BETWEEN o.ts AND o.ts + INTERVAL '4' HOUR
