DESC `orders`
