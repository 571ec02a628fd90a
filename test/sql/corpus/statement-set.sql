EXECUTE STATEMENT SET
BEGIN
  INSERT INTO sink_print SELECT order_id, 'a' FROM orders;
  INSERT INTO sink_print SELECT order_id, 'b' FROM orders WHERE quantity > 1;
END
