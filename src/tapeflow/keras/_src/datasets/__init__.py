"""`keras.datasets`: the loaders (mnist, fashion_mnist, cifar10) and `get_file`."""
