//! `hfgen schema`.

use crate::error::Result;

pub fn run() -> Result<u8> {
    super::write_stdout(&crate::profile::schema::profile_schema_json())?;
    Ok(0)
}
