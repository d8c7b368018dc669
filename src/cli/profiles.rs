//! `hfgen profiles`.

use crate::error::Result;
use crate::profile::{builtin::BUILTIN_PROFILES, load};

pub fn run() -> Result<u8> {
    let mut out = String::new();
    for builtin in BUILTIN_PROFILES {
        let loaded = load(builtin.name, &[])?;
        out.push_str(&format!(
            "{:<18} {}\n",
            builtin.name, loaded.profile.description
        ));
    }
    super::write_stdout(&out)?;
    Ok(0)
}
