//! The month-end pack: the reports of a period on one printable page.
