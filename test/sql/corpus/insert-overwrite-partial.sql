INSERT INTO sink_print (id, name) SELECT order_id, product FROM orders
