"""Members' data rights: their own data, erasure, and retention limits."""
