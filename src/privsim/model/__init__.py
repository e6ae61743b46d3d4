"""One replication: a SimPy calendar and one vectorised daily step over numpy customer arrays.

``engine`` holds the replication's state and ``STEP_ORDER``, the daily order of the stages; each
stage lives in the module of its concept. No pandas, no file I/O, no wall clock: a replication is a
pure function of (scenario, seed, replicate). Imports only ``privsim.scenario`` and the root.
"""
