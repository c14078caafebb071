"""Practising with others: accountability partners and learning circles."""
