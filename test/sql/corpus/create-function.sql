CREATE TEMPORARY FUNCTION count_char AS 'com.example.CountChar'
