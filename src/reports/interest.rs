//! Late interest per installment and per customer, as of a date.
