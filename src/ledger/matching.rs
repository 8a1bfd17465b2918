//! Matching a bank credit to a customer and to invoices (DESIGN §4).
//!
//! Rules, strongest first, each with a confidence 0–100:
//! 1. `invoice-ref` (95): an open invoice's number appears in the memo or reference;
//! 2. `account` (90): the counterparty account is a known account of a customer;
//! 3. `name` (85): the counterparty name equals a customer's name or alias after
//!    normalisation (full-width → half-width, case, spaces, punctuation,
//!    company suffixes such as 有限公司 / Co., Ltd.);
//! 4. `fuzzy-name` (50–75): a similar name — a candidate only, never applied alone.
//!
//! A match at or above [`CONFIDENT`] may be applied without a person.
//! Then allocation: the invoices named; else one open installment equal to the
//! amount; else a small set of open installments summing exactly to it
//! (bounded search); else oldest first, the rest as unapplied credit.

use std::collections::HashMap;

use super::Money;

/// Matches at or above this confidence are applied by `--auto`.
pub const CONFIDENT: u8 = 80;

/// Company suffixes dropped when comparing names (already normalised).
const SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团",
    "公司",
    "coltd",
    "corporation",
    "company",
    "limited",
    "gmbh",
    "corp",
    "inc",
    "llc",
    "ltd",
    "plc",
    "ag",
    "bv",
    "co",
];

/// Normalise a name for comparison: full-width to half-width, lower case,
/// no spaces or punctuation, company suffixes removed.
pub fn normalise_name(name: &str) -> String {
    let mut s = fold(name);
    loop {
        let before = s.len();
        for suf in SUFFIXES {
            if s.len() > suf.len() && s.ends_with(suf) {
                s.truncate(s.len() - suf.len());
                break;
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// A name's letters and digits, full-width made half-width, in lower case.
fn fold(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        let c = match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        // ASCII and Chinese, the common cases, without the Unicode tables:
        // the same characters kept, the same lower case.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                s.push(c.to_ascii_lowercase());
            }
        } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            // The CJK unified ideographs: letters, without case.
            s.push(c);
        } else {
            s.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        }
    }
    s
}

/// A customer as matching sees it.
#[derive(Clone, Debug)]
pub struct CustomerKey {
    pub id: i64,
    pub code: String,
    /// Normalised legal name and aliases.
    pub names: Vec<String>,
    /// Known accounts, spaces removed.
    pub accounts: Vec<String>,
}

/// An open installment as allocation sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenInst {
    pub installment: i64,
    pub invoice: i64,
    pub balance: Money,
}

/// What matching knows of the book: customers and open invoices.
#[derive(Clone, Debug, Default)]
pub struct MatchIndex {
    customers: Vec<CustomerKey>,
    by_id: HashMap<i64, usize>,
    by_account: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// Upper-cased invoice number → every (invoice id, customer id) of the
    /// open invoices given to [`MatchIndex::new`] under it (numbers that
    /// differ only in case share a key): the book gives only those whose
    /// number is not upper case already, and the rest are looked up in the
    /// book by number (see [`MatchIndex::named_in`]).
    invoices: HashMap<String, Vec<(i64, i64)>>,
    /// Every (customer, name) pair, for the similar-name search, with the
    /// name's bigrams sorted (computed once, not for every statement line)…
    names: Vec<(usize, String)>,
    name_grams: Vec<Vec<(char, char)>>,
    /// … found through the character bigrams they contain,
    by_bigram: HashMap<(char, char), Vec<usize>>,
    /// … or, for names under two characters (no bigram), always looked at.
    short_names: Vec<usize>,
    /// Per name, the bigrams it shares with the name being looked for:
    /// zero between searches (only the entries a search touched are set
    /// and reset), so a statement line costs what its bigrams' lists hold.
    shared: std::cell::RefCell<Vec<u32>>,
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let c: Vec<char> = s.chars().collect();
    c.windows(2).map(|w| (w[0], w[1])).collect()
}

/// A text's bigrams, sorted (duplicates kept): what [`similarity_of`] takes.
fn sorted_bigrams(s: &str) -> Vec<(char, char)> {
    let mut g = bigrams(s);
    g.sort_unstable();
    g
}

impl MatchIndex {
    pub fn new(customers: Vec<CustomerKey>, open_invoices: impl IntoIterator<Item = (String, i64, i64)>) -> MatchIndex {
        let mut by_account = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, c) in customers.iter().enumerate() {
            for a in &c.accounts {
                by_account.insert(a.clone(), i);
            }
            for n in c.names.iter().filter(|n| !n.is_empty()) {
                by_name.entry(n.clone()).or_insert(i);
            }
        }
        let mut invoices: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        for (n, inv, cust) in open_invoices {
            invoices.entry(n.to_uppercase()).or_default().push((inv, cust));
        }
        let by_id = customers.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let names: Vec<(usize, String)> =
            customers.iter().enumerate().flat_map(|(i, c)| c.names.iter().map(move |n| (i, n.clone()))).collect();
        let mut by_bigram: HashMap<(char, char), Vec<usize>> = HashMap::new();
        let mut short_names = Vec::new();
        let name_grams: Vec<Vec<(char, char)>> = names.iter().map(|(_, n)| sorted_bigrams(n)).collect();
        for (k, grams) in name_grams.iter().enumerate() {
            if grams.is_empty() {
                short_names.push(k);
            }
            let mut distinct = grams.clone();
            distinct.dedup();
            for g in distinct {
                by_bigram.entry(g).or_default().push(k);
            }
        }
        let shared = std::cell::RefCell::new(vec![0; names.len()]);
        MatchIndex {
            customers,
            by_id,
            by_account,
            by_name,
            invoices,
            names,
            name_grams,
            by_bigram,
            short_names,
            shared,
        }
    }

    /// The open invoices a memo names, as (invoice id, customer id), each
    /// once, in the order found: every token that could be an invoice
    /// number (see [`tokens`]) is looked for among the invoices given to
    /// [`MatchIndex::new`] and asked of `lookup` (upper-cased, as written in
    /// the book). Matching ignores case, so a token names every open
    /// invoice whose number differs from it only in case: `inv-1` and
    /// `INV-1` are both named by either, and the memo cannot say which.
    pub fn named_in<E>(
        &self,
        text: &str,
        mut lookup: impl FnMut(&str) -> Result<Option<(i64, i64)>, E>,
    ) -> Result<Vec<(i64, i64)>, E> {
        let mut named: Vec<(i64, i64)> = Vec::new();
        for t in tokens(text) {
            let held = self.invoices.get(&t).map_or(&[][..], Vec::as_slice);
            for &found in held.iter().chain(lookup(&t)?.as_ref()) {
                if !named.contains(&found) {
                    named.push(found);
                }
            }
        }
        Ok(named)
    }

    pub fn customer(&self, id: i64) -> Option<&CustomerKey> {
        self.by_id.get(&id).map(|&i| &self.customers[i])
    }

    /// Each customer's best name similarity to `name`, where it is 60 % or
    /// more. Only names sharing a bigram with `name` (or too short to have
    /// one) can reach that, and of those only the names sharing enough:
    /// the bigrams in common, counted from the bigram lists as the
    /// occurrences in `name` of each bigram both have, are at least those
    /// [`similarity_of`] merges, so a name whose count is below 30 % of the
    /// two names' bigrams (Dice under 60) and below the shorter's bigrams
    /// (neither contains the other) cannot reach 60 and is not compared.
    /// Company names share 有限, 限公 and 公司: without the count, every
    /// statement line was compared with nearly every name. A `name`
    /// without a bigram is compared with every name.
    fn similar(&self, name: &str) -> Vec<(u32, usize)> {
        let sorted = sorted_bigrams(name);
        let look: Vec<usize> = if sorted.is_empty() {
            (0..self.names.len()).collect()
        } else {
            let mut shared = self.shared.borrow_mut();
            let mut touched = Vec::new();
            for run in sorted.chunk_by(|a, b| a == b) {
                let Some(list) = self.by_bigram.get(&run[0]) else { continue };
                for &k in list {
                    if shared[k] == 0 {
                        touched.push(k);
                    }
                    shared[k] += run.len() as u32;
                }
            }
            let mine = sorted.len() as u32;
            touched.retain(|&k| {
                let (common, theirs) = (std::mem::take(&mut shared[k]), self.name_grams[k].len() as u32);
                10 * common >= 3 * (mine + theirs) || common >= mine.min(theirs)
            });
            touched.extend(&self.short_names);
            touched
        };
        let mut best: HashMap<usize, u32> = HashMap::new();
        for k in look {
            let (c, n) = &self.names[k];
            let s = similarity_of(name, &sorted, n, &self.name_grams[k]);
            if s >= 60 {
                let e = best.entry(*c).or_insert(0);
                *e = (*e).max(s);
            }
        }
        best.into_iter().map(|(c, s)| (s, c)).collect()
    }
}

/// Which rule proposed a customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    InvoiceRef,
    Account,
    Name,
    FuzzyName,
    /// Chosen by a person.
    Manual,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::InvoiceRef => "invoice-ref",
            Rule::Account => "account",
            Rule::Name => "name",
            Rule::FuzzyName => "fuzzy-name",
            Rule::Manual => "manual",
        }
    }
}

/// A proposed customer for a bank line, with the invoices the memo named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub customer: i64,
    pub rule: Rule,
    pub confidence: u8,
    /// Invoice ids named in the memo or reference, in the order found.
    pub invoices: Vec<i64>,
}

/// Tokens of a memo that could be invoice numbers: runs of letters, digits
/// and `-` `_` `/` `.`, upper-cased, with trailing punctuation removed.
fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')))
        .map(|t| t.trim_matches(|c: char| matches!(c, '-' | '_' | '/' | '.')).to_uppercase())
        .filter(|t| t.len() >= 3)
}

/// Every candidate customer for a credit, best first (one per customer);
/// `named` are the open invoices its memo and reference name (see
/// [`MatchIndex::named_in`]).
pub fn candidates(
    index: &MatchIndex,
    counterparty: Option<&str>,
    account: Option<&str>,
    named: &[(i64, i64)],
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut push = |c: Candidate| match out.iter_mut().find(|o| o.customer == c.customer) {
        Some(o) if o.confidence < c.confidence => {
            let invoices = std::mem::take(&mut o.invoices);
            *o = c;
            if o.invoices.is_empty() {
                o.invoices = invoices;
            }
        }
        Some(o) => {
            if o.invoices.is_empty() {
                o.invoices = c.invoices;
            }
        }
        None => out.push(c),
    };
    // 1. Invoice numbers in the memo or reference.
    let mut by_customer: Vec<(i64, Vec<i64>)> = Vec::new();
    for &(inv, cust) in named {
        match by_customer.iter_mut().find(|(c, _)| *c == cust) {
            Some((_, v)) => v.push(inv),
            None => by_customer.push((cust, vec![inv])),
        }
    }
    for (cust, invoices) in by_customer {
        push(Candidate { customer: cust, rule: Rule::InvoiceRef, confidence: 95, invoices });
    }
    // 2. A known account.
    if let Some(a) = account.map(|a| a.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        && let Some(&i) = index.by_account.get(&a)
    {
        push(Candidate { customer: index.customers[i].id, rule: Rule::Account, confidence: 90, invoices: Vec::new() });
    }
    // 3. and 4. The name, exact after normalisation, else similar.
    if let Some(name) = counterparty.map(normalise_name).filter(|n| !n.is_empty()) {
        if let Some(&i) = index.by_name.get(&name) {
            push(Candidate { customer: index.customers[i].id, rule: Rule::Name, confidence: 85, invoices: Vec::new() });
        } else {
            // Similarity 60 % → confidence 50, rising to 75 at 100 %.
            let mut fuzzy: Vec<(u8, i64)> = index
                .similar(&name)
                .into_iter()
                .map(|(best, c)| ((50 + (best - 60) * 25 / 40).min(75) as u8, index.customers[c].id))
                .collect();
            fuzzy.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            for (conf, id) in fuzzy.into_iter().take(3) {
                push(Candidate { customer: id, rule: Rule::FuzzyName, confidence: conf, invoices: Vec::new() });
            }
        }
    }
    out.sort_by(|a, b| b.confidence.cmp(&a.confidence).then(a.customer.cmp(&b.customer)));
    out
}

/// [`similarity_of`] from the names alone.
#[cfg(test)]
fn similarity(a: &str, b: &str) -> u32 {
    similarity_of(a, &sorted_bigrams(a), b, &sorted_bigrams(b))
}

/// Similarity of two normalised names in percent: Sørensen–Dice on
/// character bigrams, raised when one name contains the other (a short
/// bank-statement name inside the legal name). Given the names' sorted
/// bigrams (the index keeps each customer name's): the bigrams in common,
/// each counted as often as both have it, are found by one merge.
fn similarity_of(a: &str, ga: &[(char, char)], b: &str, gb: &[(char, char)]) -> u32 {
    if ga.is_empty() || gb.is_empty() {
        return u32::from(a == b && !a.is_empty()) * 100;
    }
    let total = (ga.len() + gb.len()) as u32;
    let (mut i, mut j, mut common) = (0, 0, 0u32);
    while i < ga.len() && j < gb.len() {
        match ga[i].cmp(&gb[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let dice = 200 * common / total;
    // A text with n ≥ 2 characters has n − 1 bigrams.
    let (la, lb) = (ga.len() as u32 + 1, gb.len() as u32 + 1);
    let contained = if a.contains(b) || b.contains(a) { (100 * la.min(lb) / la.max(lb) + 30).min(95) } else { 0 };
    dice.max(contained)
}

/// How a matched credit is spread over the customer's open installments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// The invoices named in the memo, in order.
    Invoices(Vec<i64>),
    /// These installments, exactly (one equal to the amount, or a set summing to it).
    Installments(Vec<i64>),
    /// Oldest due first; the rest is unapplied credit.
    Fifo,
}

/// The most installments the exact-sum search considers (the oldest ones).
pub const SUBSET_LIMIT: usize = 20;
/// The most search steps before the exact-sum search gives up.
const SUBSET_STEPS: usize = 20_000;

/// Decide how to allocate `amount` for a customer whose open installments
/// are `open` (oldest due first).
pub fn plan(amount: Money, named: &[i64], open: &[OpenInst]) -> Plan {
    if !named.is_empty() {
        return Plan::Invoices(named.to_vec());
    }
    if let Some(one) = open.iter().find(|o| o.balance == amount) {
        return Plan::Installments(vec![one.installment]);
    }
    let pool: Vec<&OpenInst> = open.iter().take(SUBSET_LIMIT).collect();
    // In cents (every amount has two decimals): the search adds and
    // compares up to SUBSET_STEPS times a line.
    let balances: Vec<i64> = pool.iter().map(|o| o.balance.cents()).collect();
    // What is left from each position on: a branch that cannot reach the
    // target even taking everything after it is cut at once.
    let mut rest = vec![0i64; pool.len() + 1];
    for i in (0..pool.len()).rev() {
        rest[i] = rest[i + 1] + balances[i];
    }
    let mut search = Search { balances: &balances, rest: &rest, chosen: Vec::new(), steps: 0 };
    if search.find(0, amount.cents()) {
        return Plan::Installments(search.chosen.iter().map(|&i| pool[i].installment).collect());
    }
    Plan::Fifo
}

/// Depth-first search for at least two installments summing exactly to a
/// target, preferring older ones; bounded by [`SUBSET_STEPS`].
struct Search<'a> {
    /// The installments' balances in cents, oldest first.
    balances: &'a [i64],
    /// `rest[i]` = the balances of `balances[i..]` added up.
    rest: &'a [i64],
    chosen: Vec<usize>,
    steps: usize,
}

impl Search<'_> {
    fn find(&mut self, from: usize, target: i64) -> bool {
        if target == 0 {
            return self.chosen.len() >= 2;
        }
        if target < 0 || self.rest[from] < target {
            return false;
        }
        for i in from..self.balances.len() {
            self.steps += 1;
            if self.steps > SUBSET_STEPS || self.rest[i] < target {
                return false;
            }
            if self.balances[i] > target {
                continue;
            }
            self.chosen.push(i);
            if self.find(i + 1, target - self.balances[i]) {
                return true;
            }
            self.chosen.pop();
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: i64, code: &str, names: &[&str], accounts: &[&str]) -> CustomerKey {
        CustomerKey {
            id,
            code: code.into(),
            names: names.iter().map(|n| normalise_name(n)).collect(),
            accounts: accounts.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn index() -> MatchIndex {
        MatchIndex::new(
            vec![
                key(1, "HY", &["深圳华远电子有限公司", "华远电子"], &["6222020200001234567"]),
                key(2, "NW", &["Northwind Traders Ltd."], &[]),
                key(3, "DF", &["上海东方贸易有限公司"], &[]),
            ],
            vec![("INV-1001".to_string(), 11, 1), ("INV-2002".to_string(), 22, 2)],
        )
    }

    /// The candidates of a line whose memo is `memo`, with only the open
    /// invoices [`index`] holds.
    fn candidates(index: &MatchIndex, counterparty: Option<&str>, account: Option<&str>, memo: &str) -> Vec<Candidate> {
        let named = index.named_in(memo, |_| Ok::<_, ()>(None)).unwrap();
        super::candidates(index, counterparty, account, &named)
    }

    #[test]
    fn an_invoice_number_not_held_is_asked_of_the_lookup_once_per_token() {
        let mut asked = Vec::new();
        let named = index()
            .named_in("INV-1001 inv-3003 INV-1001 ab INV-3003.", |t| {
                asked.push(t.to_string());
                Ok::<_, ()>((t == "INV-3003").then_some((33, 3)))
            })
            .unwrap();
        assert_eq!(named, [(11, 1), (33, 3)]);
        // Every token is asked of the book, even one held (another open
        // invoice may differ from it only in case).
        assert_eq!(asked, ["INV-1001", "INV-3003", "INV-1001", "INV-3003"]);
        assert_eq!(index().named_in("INV-9", |_| Err("no book")), Err("no book"));
    }

    #[test]
    fn names_normalise_width_case_punctuation_and_suffixes() {
        assert_eq!(normalise_name("ＮＯＲＴＨＷＩＮＤ Traders, Co., Ltd."), "northwindtraders");
        assert_eq!(normalise_name("Northwind Traders Limited"), "northwindtraders");
        assert_eq!(normalise_name("深圳华远电子有限公司"), "深圳华远电子");
        assert_eq!(normalise_name("深圳华远电子股份有限公司"), "深圳华远电子");
        assert_eq!(normalise_name("（深圳）华远　电子"), "深圳华远电子");
    }

    #[test]
    fn an_invoice_number_in_the_memo_wins() {
        let c = candidates(&index(), Some("someone else"), None, "payment for inv-1001, thanks");
        assert_eq!(c[0], Candidate { customer: 1, rule: Rule::InvoiceRef, confidence: 95, invoices: vec![11] });
    }

    #[test]
    fn a_known_account_matches() {
        let c = candidates(&index(), Some("unknown"), Some("6222 0202 0000 1234 567"), "");
        assert_eq!((c[0].customer, c[0].rule), (1, Rule::Account));
        assert!(c[0].confidence >= CONFIDENT);
    }

    #[test]
    fn a_normalised_name_or_alias_matches() {
        let c = candidates(&index(), Some("NORTHWIND TRADERS CO., LTD"), None, "");
        assert_eq!((c[0].customer, c[0].rule), (2, Rule::Name));
        let c = candidates(&index(), Some("华远电子"), None, "");
        assert_eq!((c[0].customer, c[0].rule), (1, Rule::Name));
    }

    #[test]
    fn a_similar_name_is_only_a_candidate() {
        let c = candidates(&index(), Some("上海东方贸易"), None, "");
        assert_eq!(c[0].customer, 3, "{c:?}");
        let c = candidates(&index(), Some("东方贸易（上海）有限责任公司"), None, "");
        assert_eq!(c[0].rule, Rule::FuzzyName, "{c:?}");
        assert!(c[0].confidence < CONFIDENT);
        assert!(candidates(&index(), Some("完全无关的公司"), None, "").is_empty());
    }

    fn open(id: i64, cents: i64) -> OpenInst {
        OpenInst { installment: id, invoice: id * 10, balance: Money::from_cents(cents) }
    }

    #[test]
    fn allocation_prefers_named_then_equal_then_exact_sum_then_fifo() {
        let o = vec![open(1, 500), open(2, 300), open(3, 200), open(4, 700)];
        assert_eq!(plan(Money::from_cents(100), &[99], &o), Plan::Invoices(vec![99]));
        assert_eq!(plan(Money::from_cents(300), &[], &o), Plan::Installments(vec![2]));
        assert_eq!(plan(Money::from_cents(1_000), &[], &o), Plan::Installments(vec![1, 2, 3]));
        assert_eq!(plan(Money::from_cents(1_001), &[], &o), Plan::Fifo);
    }

    #[test]
    fn the_exact_sum_search_stays_bounded_without_a_solution() {
        // 20 balances that are all even: an odd target has no subset; the
        // search must answer at once rather than walk 2^20 subsets.
        let o: Vec<OpenInst> = (1..=20).map(|i| open(i, 2 * i)).collect();
        assert_eq!(plan(Money::from_cents(201), &[], &o), Plan::Fifo);
        // With a solution it is found, preferring the oldest: 2 + 4 + 6 + 8 + 10 + 16 = 46.
        assert_eq!(plan(Money::from_cents(46), &[], &o), Plan::Installments(vec![1, 2, 3, 4, 5, 8]));
    }

    /// The ASCII and CJK fast paths of `fold` keep and lower exactly what
    /// the general Unicode rule does.
    mod normalising {
        use super::*;
        use proptest::prelude::*;

        fn by_the_unicode_rule(name: &str) -> String {
            name.chars()
                .map(|c| match c {
                    '\u{3000}' => ' ',
                    '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                    _ => c,
                })
                .flat_map(char::to_lowercase)
                .filter(|c| c.is_alphanumeric())
                .collect()
        }

        proptest! {
            #[test]
            fn the_fast_paths_equal_the_unicode_rule(name in "[ -~ÀÉİßΣ一-鿿〇㐀（）　ＡＢｃ１]{0,24}") {
                prop_assert_eq!(fold(&name), by_the_unicode_rule(&name));
            }
        }
    }

    /// The similar-name search through the bigram index finds exactly what
    /// comparing with every name finds.
    mod similar_names {
        use super::*;
        use proptest::prelude::*;

        fn brute_force(index: &MatchIndex, name: &str) -> Vec<(u32, usize)> {
            let mut v: Vec<(u32, usize)> = index
                .customers
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let best = c.names.iter().map(|n| similarity(name, n)).max().unwrap_or(0);
                    (best >= 60).then_some((best, i))
                })
                .collect();
            v.sort_unstable();
            v
        }

        /// Similarity as first written: each bigram of `a` searched for
        /// among those of `b` not matched yet.
        fn by_search(a: &str, b: &str) -> u32 {
            let (ga, mut gb) = (bigrams(a), bigrams(b));
            if ga.is_empty() || gb.is_empty() {
                return u32::from(a == b && !a.is_empty()) * 100;
            }
            let total = (ga.len() + gb.len()) as u32;
            let mut common = 0u32;
            for g in &ga {
                if let Some(pos) = gb.iter().position(|x| x == g) {
                    gb.swap_remove(pos);
                    common += 1;
                }
            }
            let dice = 200 * common / total;
            let (la, lb) = (a.chars().count() as u32, b.chars().count() as u32);
            let contained =
                if a.contains(b) || b.contains(a) { (100 * la.min(lb) / la.max(lb) + 30).min(95) } else { 0 };
            dice.max(contained)
        }

        proptest! {
            #[test]
            fn similarity_by_merging_sorted_bigrams_is_similarity_by_search(
                a in "[华远电子ab]{0,9}",
                b in "[华远电子ab]{0,9}",
            ) {
                prop_assert_eq!(similarity(&a, &b), by_search(&a, &b));
            }

            #[test]
            fn the_bigram_index_finds_what_a_full_scan_finds(
                names in prop::collection::vec(prop::collection::vec("[华远电子东方ab]{0,5}", 1..3), 1..30),
                query in "[华远电子东方abc]{0,6}",
            ) {
                let customers: Vec<CustomerKey> = names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| CustomerKey { id: i as i64 + 1, code: format!("C{i}"), names: n.clone(), accounts: Vec::new() })
                    .collect();
                let index = MatchIndex::new(customers, Vec::new());
                let mut fast = index.similar(&query);
                fast.sort_unstable();
                prop_assert_eq!(fast, brute_force(&index, &query));
            }
        }
    }
}
