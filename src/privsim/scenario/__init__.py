"""The input: the scenario format and the one door from files to validated, frozen objects.

``schema`` (the pydantic format), ``load`` (reading, parsing, migrating, validating), ``overrides``
(``--set`` paths and resizing), ``messages`` (located, friendly errors), ``migrate`` (older schema
versions), ``yamlmap`` (safe YAML with the line of every field), ``coefficients`` (the ``behavior:``
block) and ``taxonomy`` (data categories and purposes). Imports nothing of privsim but the root.
"""
