-- error at 2:15
SELECT a FORM t
