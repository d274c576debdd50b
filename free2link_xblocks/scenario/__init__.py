"""The ``f2l_scenario`` branching scenario block."""
