"""The knowledge context's models, one module per concept: cases and lessons (cases.py), the
similarity index behind "reuse before reinvention" (index.py)."""
