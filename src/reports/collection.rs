//! Collection metrics for a period: received, collected, 回款率, DSO, CEI.
