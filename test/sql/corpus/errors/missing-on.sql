-- error at 2:24
SELECT * FROM a JOIN b WHERE a.id = b.id
