"""The solve paths, one per `Engine`, behind one interface, and the lexicographic solve that composes them."""
