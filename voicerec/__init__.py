"""voicerec: a local-first voice recommender."""
__version__ = "0.1.0"
