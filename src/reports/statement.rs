//! The customer statement (对账单) and its confirmation slip.
