//! Expected receipts per week.
