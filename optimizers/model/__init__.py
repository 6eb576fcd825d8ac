"""The allocation model as one sparse matrix, and the two ways it is handed to OR-Tools (GLOP or SCIP)."""
