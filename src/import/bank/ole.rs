//! A check of an XLS file's container (OLE2, "Compound File") before calamine
//! reads it. The container is a chain of sectors per stream, linked through an
//! allocation table; calamine follows the directory's chain until its end
//! marker without any bound, so a table in which a chain loops back on itself
//! makes it allocate until memory runs out. Excel never writes such a table.

/// Ids at or above this are markers (end of chain, free, table sectors).
const MARKERS: u32 = 0xFFFF_FFFA;
/// Marks the sectors of the table's own index (DIFAT).
const DIFSECT: u32 = 0xFFFF_FFFC;

/// False when a chain of the allocation table loops. A header too damaged to
/// find the table is let through: calamine refuses it with its own message.
pub(crate) fn chains_end(bytes: &[u8]) -> bool {
    let Some(header) = bytes.get(..512) else { return true };
    let size: usize = match header.get(30..32) {
        Some([9, 0]) => 512,
        Some([12, 0]) => 4096,
        _ => return true,
    };
    // Sector `id` follows the header, which takes one sector; the last one may
    // be cut short by the end of the file.
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(size)?;
        bytes.get(start..start.saturating_add(size).min(bytes.len())).filter(|s| !s.is_empty())
    };
    let words =
        |b: &[u8]| -> Vec<u32> { b.chunks_exact(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect() };
    // The table's index: 109 entries in the header, then a chain of sectors
    // whose last entry names the next one (read as calamine reads it).
    let mut index = words(&header[76..512]);
    let mut next = header.get(68..72).map_or(MARKERS, |w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
    let mut hops = 0;
    while next < MARKERS {
        hops += 1;
        let Some(s) = sector(next).filter(|_| hops <= bytes.len() / size + 1) else { return true };
        index.extend(words(s));
        next = index.pop().unwrap_or(MARKERS);
    }
    let mut table = Vec::new();
    for id in index.into_iter().filter(|id| *id < DIFSECT) {
        let Some(s) = sector(id) else { return true };
        table.extend(words(s));
    }
    !loops(&table)
}

/// Whether following `next` from some entry comes back to an entry already on
/// the way. Entries out of range end a chain (markers, or an error of their own).
fn loops(next: &[u32]) -> bool {
    // 0: not seen, 1: on the chain being followed, 2: known to end.
    let mut state = vec![0u8; next.len()];
    for start in 0..next.len() {
        let mut path = Vec::new();
        let mut at = start;
        loop {
            match state.get(at) {
                None | Some(2) => break,
                Some(1) => return true,
                _ => {}
            }
            state[at] = 1;
            path.push(at);
            at = next[at] as usize;
        }
        for p in path {
            state[p] = 2;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_that_comes_back_loops() {
        const END: u32 = 0xFFFF_FFFE;
        assert!(!loops(&[1, 2, END, END]));
        assert!(!loops(&[]));
        assert!(loops(&[1, 2, 0]));
        assert!(loops(&[0]));
        assert!(loops(&[END, 2, 3, 2]));
    }

    #[test]
    fn real_workbooks_pass() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank");
        for name in ["ccb.xls", "bank-text.xls"] {
            let bytes = std::fs::read(dir.join(name)).expect("fixture");
            assert!(chains_end(&bytes), "{name}");
        }
    }

    #[test]
    fn a_looping_directory_chain_is_refused() {
        // Found by fuzzing: calamine followed this loop until memory ran out.
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/bank_reader/xls-sector-loop");
        let finding = std::fs::read(path).expect("fixture");
        // A bank_reader input is a selector byte, then the file.
        assert!(!chains_end(&finding[1..]));
    }
}
