"""Plain helpers the test areas share, one copy of each (the shared fixtures are in
tests/conftest.py): servers on loopback, files and stores, crafted inputs, catalogue facts."""
