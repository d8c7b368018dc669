//! "Did you mean ...?": the nearest of the valid names to a misspelt one.

/// The candidate closest to `typo`, if it is close enough to be what was meant: at most one
/// edit for short names, a third of the length for longer ones (a swap counts as one edit).
pub fn nearest<'a>(typo: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let budget = (typo.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|candidate| {
            let distance = strsim::damerau_levenshtein(&typo.to_lowercase(), candidate);
            (distance, candidate)
        })
        .filter(|(distance, _)| *distance <= budget)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn finds_typos_and_ignores_strangers() {
        let keys = ["namespace", "nfs", "nodes", "platform"];
        assert_eq!(nearest("namspace", keys), Some("namespace"));
        assert_eq!(nearest("nmaespace", keys), Some("namespace"));
        assert_eq!(nearest("Platform", keys), Some("platform"));
        assert_eq!(nearest("nfz", keys), Some("nfs"));
        assert_eq!(nearest("colour", keys), None);
    }
}
