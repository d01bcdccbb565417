//! Command-line flags' defaults, written once: on the flag (`default_value_t = …`), and read
//! from there by the `Default` of every settings struct, so a default never lives in two
//! places. `tests/api/readme_settings.rs` holds README's table to the same flags.

use clap::{Args, Command, FromArgMatches};

/// `T` with every flag at its default, whatever the environment says.
pub fn defaults<T: Args + FromArgMatches>() -> T {
    let flags = T::augment_args(Command::new("defaults")).mut_args(|a| a.env(None::<&str>));
    let matches = flags
        .try_get_matches_from(["defaults"])
        .expect("every flag has a default or is optional");
    T::from_arg_matches(&matches).expect("the defaults parse")
}
