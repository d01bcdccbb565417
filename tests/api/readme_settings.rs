//! README's configuration table is a promise: every flag of `hoithi serve` is in it, with its
//! environment variable and its default as the flag itself has them (defaults are written
//! once, on the flags; this test holds the README to them).

use clap::{Args, Command};
use hoithi::app::Config;

struct Row {
    flag: String,
    env: String,
    default: String,
}

fn readme_rows() -> Vec<Row> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme
        .split("## Configuration")
        .nth(1)
        .expect("README has a Configuration section");
    table
        .lines()
        .skip_while(|l| !l.starts_with("| flag"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|line| {
            let cells: Vec<String> = line
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect();
            Row {
                flag: cells[1].clone(),
                env: cells[2].clone(),
                default: cells[3].clone(),
            }
        })
        .collect()
}

#[test]
fn every_serve_flag_is_in_the_readme_with_its_environment_and_default() {
    let rows = readme_rows();
    let command = Config::augment_args(Command::new("serve"));
    let mut flags = Vec::new();
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        let flag = format!("--{long}");
        let row = rows
            .iter()
            .find(|r| r.flag == flag)
            .unwrap_or_else(|| panic!("{flag} is not in README's configuration table"));
        let env = arg
            .get_env()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert_eq!(row.env, env, "{flag}: its environment variable");
        if let Some(default) = arg.get_default_values().first() {
            let default = default.to_string_lossy();
            let shown = row.default.split_whitespace().next().unwrap_or_default();
            assert_eq!(shown, default, "{flag}: README says {:?}", row.default);
        }
        flags.push(flag);
    }
    for row in &rows {
        assert!(
            flags.contains(&row.flag),
            "README lists {} but `hoithi serve` has no such flag",
            row.flag
        );
    }
}
