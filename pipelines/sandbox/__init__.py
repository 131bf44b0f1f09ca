"""A local stand-in for the four vendor APIs, serving one deterministic synthetic company.

It never imports the sources, and the sources never import it: they meet only over HTTP.
"""
