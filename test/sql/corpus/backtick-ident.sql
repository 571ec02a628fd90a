SELECT `dateTime`, `value`, `key`, `order`.`from` FROM `my-table` AS `order`
