//! `hoithi audit verify`: checks the contest's audit log and what the database says against
//! it (see `contest::verify`). Exit status 0 when everything holds, 1 when anything differs.

use std::process::ExitCode;

use crate::app::DatabaseArgs;

#[derive(clap::Subcommand)]
pub enum AuditCmd {
    /// Check the audit log's chain and recompute every attempt's score, every standing of the
    /// contest's rounds and every published version of them from it; name every row,
    /// attempt, result or version that differs.
    Verify {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

pub async fn run(cmd: AuditCmd) -> anyhow::Result<ExitCode> {
    let AuditCmd::Verify { database } = cmd;
    let store = database.open().await?;
    let found = crate::contest::verify::verify(&store).await?;
    println!(
        "nhật ký: {} dòng; {} đợt thi, {} bài thi, {} kết quả, {} phiên bản công bố đã đối chiếu / audit log: {} rows; {} rounds, {} attempts, {} results, {} published versions checked",
        found.rows, found.rounds, found.attempts, found.standings, found.versions,
        found.rows, found.rounds, found.attempts, found.standings, found.versions
    );
    if found.problems.is_empty() {
        println!("khớp hoàn toàn / everything matches");
        return Ok(ExitCode::SUCCESS);
    }
    for problem in &found.problems {
        println!("SAI / WRONG: {problem}");
    }
    println!(
        "{} chỗ không khớp / {} differences",
        found.problems.len(),
        found.problems.len()
    );
    Ok(ExitCode::FAILURE)
}
