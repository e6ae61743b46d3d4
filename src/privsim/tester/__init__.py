"""The worst-practice tester: lint (checks by jurisdiction pack), the stress-test gate and the case library.

May import ``privsim.output`` and everything below it.
"""
