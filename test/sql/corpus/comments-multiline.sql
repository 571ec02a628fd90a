/* a block comment */
SELECT
  id, -- trailing comment
  name
FROM people
WHERE id <> 0 AND id != 1 AND id >= 2 AND id <= 9
