"""Supply nodes and candidate arcs: the order and its network as the arrays every model optimises over."""
