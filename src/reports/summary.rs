//! The one-screen summary of the book as of a date.
