RESET 'parallelism.default'
