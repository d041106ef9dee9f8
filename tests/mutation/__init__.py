"""The mutation run (`make mutation`): mutmut on the core modules, one at a time."""
