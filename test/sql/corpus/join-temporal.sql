SELECT o.order_id, o.price * r.rate AS converted
FROM orders AS o
JOIN currency_rates FOR SYSTEM_TIME AS OF o.ts AS r
ON o.currency = r.currency
