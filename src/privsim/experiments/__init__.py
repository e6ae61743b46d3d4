"""Many replications under common random numbers, and what they return.

Executors (serial, processes, Dask) run arms (``arms``) of replications; ``runs`` (simulate,
replicate), ``compare``, ``sweep``, ``frontier``, ``sensitivity``, ``uncertainty``, ``calibration``
and ``fit`` are experiments built on them; ``results`` turns recorders into KPIs and frames.
Imports ``privsim.model``, ``privsim.scenario`` and the root.
"""
