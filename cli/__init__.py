"""The star-survey command line: an interface over the domain, like ``pages/``."""
