INSERT INTO sink_print VALUES (1, 'one'), (2, 'two')
