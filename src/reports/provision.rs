//! The bad-debt provision (坏账准备): invoice-date aging times the rates.
