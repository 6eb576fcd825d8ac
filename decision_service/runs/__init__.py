"""Re-allocation runs as the service makes them: the spec's input read, the order-level rules applied to every
order (pricing rejects lines, credit holds orders), the core's exact run, and the record of it. No Flask, no SQL."""
