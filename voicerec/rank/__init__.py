"""Ranking by meaning: embeddings (embed.py), vector search (vectors.py), hybrid ranking (rank.py)."""
