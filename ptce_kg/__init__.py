"""ptce-kg: knowledge graph and vocabulary for France's PTCE (loi n° 2014-856, art. 9)."""

__version__ = "0.1.0"
