"""Checks independent of the models: the solver-free validator, the Pyomo cross-check, the greedy baseline."""
