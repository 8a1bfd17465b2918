//! Customer figures as the customer commands show them.

use rust_decimal::{Decimal, RoundingStrategy};

/// A suggested score's on-time share as shown: two decimals, half away from
/// zero (0.125 → "0.13"; the ledger keeps four).
pub fn on_time_share(share: Decimal) -> String {
    format!("{:.2}", share.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_shown_with_two_decimals_rounded_half_away_from_zero() {
        assert_eq!(on_time_share(Decimal::new(1250, 4)), "0.13");
        assert_eq!(on_time_share(Decimal::ONE), "1.00");
        assert_eq!(on_time_share(Decimal::new(6667, 4)), "0.67");
    }
}
