"""The allocation model as one sparse matrix, solved level by level by OR-Tools (GLOP on the LP, SCIP on the MIP)."""
