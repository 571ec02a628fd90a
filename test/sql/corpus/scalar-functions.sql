SELECT UPPER(name), LOWER(name), SUBSTRING(name FROM 2 FOR 3), SUBSTRING(name, 1, 2), CHAR_LENGTH(name),
  CONCAT(name, '-', CAST(id AS STRING)), name || '!', TRIM(BOTH ' ' FROM name), TRIM(name),
  SPLIT_INDEX(url, '/', 3), REGEXP_EXTRACT(url, '(&|^)id=([^&]*)', 2), MOD(id, 10), id % 3,
  COALESCE(name, 'none'), DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm'), -id, +id, NOT (id > 1), id IS NULL,
  name LIKE 'a%', name NOT LIKE '%b', id BETWEEN 1 AND 10, id NOT BETWEEN 1 AND 10, IF(id > 1, 'x', 'y'),
  CURRENT_TIMESTAMP, LOCALTIMESTAMP, ABS(-1.5e3), 1.5, .5, TRUE, FALSE, NULL, x'0F', id IS NOT DISTINCT FROM 1,
  EXTRACT(HOUR FROM ts), POSITION('a' IN name), FLOOR(ts TO HOUR), CEIL(1.2)
FROM people
