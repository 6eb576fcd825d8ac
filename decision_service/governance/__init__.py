"""Rule tables under governance: versions kept in the decision log, drafts, backtests, publication, four eyes.

The decision log is the rule store. Every change to a table is a record in its chain (`events`): a shipped YAML
version seeded on first start, a draft, a publication (in force, or pending a second person's approval), an
approval, a rejection. Every worker folds those records (`state`) into the registry its decisions evaluate
(`book`), so a version published through one worker is in force in all of them without a restart, and an
auditor proves the rules' history with the same chain that proves the decisions'. No Flask, no SQL here.
"""
