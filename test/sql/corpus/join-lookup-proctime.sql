SELECT o.order_id, c.country
FROM (SELECT *, PROCTIME() AS proc_time FROM orders) AS o
LEFT JOIN customers FOR SYSTEM_TIME AS OF o.proc_time AS c
ON o.customer_id = c.id
