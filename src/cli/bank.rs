//! The `hoithi bank check | import | export | stats | template` commands: arguments and what
//! they print. Without a folder, they work on the banks built into the binary, so they work
//! from any folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::{block_on, finish};
use crate::banks::import::import_file;
use crate::banks::sheets::{self, Format};
use crate::banks::{load, register_file, Source};
use crate::domain::bank::{self, Bank, Issue, Purpose};
use crate::domain::bank_citations::{self, Day, Register};
use crate::domain::bank_stats::{self, STATS_BEGIN, STATS_END};
use crate::domain::sheet::{self, Settings};
use crate::storage::{Saved, Store};

#[derive(clap::Subcommand)]
pub enum BankCmd {
    /// Check every bank of PATH (default: the banks built into this binary) and report each
    /// problem, where the right answers sit, and questions citing laws no longer (or not yet)
    /// in force on their bank's checked date (question-banks/superseded.toml).
    Check {
        /// A folder of bank files (e.g. question-banks).
        path: Option<PathBuf>,
    },
    /// Import a spreadsheet (.xlsx or .csv) as a bank file, reporting every rejected row.
    Import(ImportArgs),
    /// Export a bank as a spreadsheet in hoithi's template layout.
    Export(ExportArgs),
    /// Count questions per level, topic and kind, as Markdown tables.
    Stats(StatsArgs),
    /// Write the spreadsheet templates (default: question-banks/templates/).
    Template(TemplateArgs),
}

pub fn run(cmd: BankCmd) -> ExitCode {
    match cmd {
        BankCmd::Check { path } => finish(check(path)),
        BankCmd::Import(args) => finish(run_import(args)),
        BankCmd::Export(args) => finish(run_export(args)),
        BankCmd::Stats(args) => finish(run_stats(args)),
        BankCmd::Template(args) => finish(run_template(args)),
    }
}

/// A folder, or the banks built into the binary, and how to name it in messages.
fn source_of(path: Option<PathBuf>) -> (Source, String) {
    match path {
        Some(dir) => {
            let name = dir.display().to_string();
            (Source::Dir(dir), name)
        }
        None => (
            Source::Bundled,
            "the banks built into this binary".to_owned(),
        ),
    }
}

fn check(path: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let (source, name) = source_of(path);
    let (banks, mut issues) = load(&source)?;
    // A register that does not parse is a problem like a bank that does not: its warnings
    // would be silently missing otherwise.
    let register = match register_file(&source)? {
        Some((file, text)) => Register::parse(&text).unwrap_or_else(|problems| {
            issues.extend(problems.into_iter().map(|message| Issue {
                file: file.clone(),
                line: None,
                question: None,
                message,
            }));
            Register::default()
        }),
        None => Register::default(),
    };
    for issue in &issues {
        println!("{issue}");
    }
    let questions: usize = banks.iter().map(|(_, b)| b.questions.len()).sum();
    if !issues.is_empty() {
        println!("{} problems in {name}", issues.len());
        return Ok(ExitCode::FAILURE);
    }
    // Where the keys sit: a warning, not a failure (a teacher's small bank may lean one way
    // by chance; the bundled banks are held to none by a test).
    let (balance, key_warnings) = crate::domain::key_balance::report(&banks);
    print!("{balance}");
    // Citations: also warnings. The register changes when a law does, and a bank that was
    // right the day it was checked should not stop a teacher's import that day; the bundled
    // banks are held to none by a test.
    let today = Day::parse(&sheets::today()).context("Failed to read today's date")?;
    let citations = bank_citations::check(&register, &banks, today);
    for warning in &citations {
        println!("cảnh báo: {warning}");
    }
    let warnings = key_warnings + citations.len();
    println!(
        "{} banks, {questions} questions in {name}: no problems{}",
        banks.len(),
        match warnings {
            0 => String::new(),
            1 => ", 1 warning".into(),
            n => format!(", {n} warnings"),
        }
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The spreadsheet: .xlsx or .csv, in hoithi's template or the Kahoot layout.
    pub file: PathBuf,
    /// Bank id (default: the file's «bank» row, else made from the file name).
    #[arg(long)]
    pub id: Option<String>,
    /// Bank title (default: the file's «title» row, else the file name).
    #[arg(long)]
    pub title: Option<String>,
    /// Topic id, e.g. an-toan (default: the file's «topic» row).
    #[arg(long)]
    pub topic: Option<String>,
    /// Level id(s), e.g. thcs or thcs,thpt (default: the file's «levels» row).
    #[arg(long = "level", value_delimiter = ',')]
    pub levels: Vec<String>,
    /// The source of rows that name none (a Kahoot sheet has no source column).
    #[arg(long)]
    pub source: Option<String>,
    /// Import the good rows even when other rows are rejected.
    #[arg(long)]
    pub skip_errors: bool,
    /// The bank folder to write the bank into.
    #[arg(long, default_value = "question-banks")]
    pub out: PathBuf,
    /// Also store the bank in this database as a draft (the server's DATABASE_URL).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// A bank file, or the id of a bank in --banks (or, failing that, in the database).
    pub bank: String,
    /// xlsx or csv (default: from --out, else xlsx).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The file to write (default: BANK_ID.xlsx or .csv in the current folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// A bank folder to look for the id in (default: the banks built into this binary).
    #[arg(long)]
    pub banks: Option<PathBuf>,
    /// A database to look for the id in when the folder has no such bank.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// A bank folder (default: the banks built into this binary).
    pub path: Option<PathBuf>,
    /// Rewrite the counts in PATH/README.md instead of printing them (needs PATH).
    #[arg(long)]
    pub write_readme: bool,
}

#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// Where to write mau-ngan-hang.xlsx and mau-ngan-hang.csv.
    #[arg(long, default_value = "question-banks/templates")]
    pub out: PathBuf,
}

fn run_import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings {
        id: args.id,
        title: args.title,
        topic: args.topic,
        levels: args.levels,
        source: args.source,
        skip_errors: args.skip_errors,
        // The command line writes the repository's banks, which decide official contests.
        purpose: Purpose::Official,
    };
    let done = import_file(&args.file, &settings, &args.out)?;
    let file = args.file.display();
    for problem in &done.report.problems {
        println!("{file}: {problem}");
    }
    let (Some(bank), Some(saved)) = (&done.report.bank, &done.saved) else {
        let n = done.report.problems.len();
        println!("chưa nhập câu hỏi nào: {file} có {n} lỗi");
        if done.report.problems.iter().all(|p| p.row.is_some()) {
            println!("hãy sửa các dòng trên, hoặc dùng «--skip-errors» để nhập các dòng còn lại");
        }
        return Ok(ExitCode::FAILURE);
    };
    let skipped = done.report.rows - bank.questions.len();
    println!(
        "đã nhập {} câu hỏi vào {} (ngân hàng {}){}",
        bank.questions.len(),
        saved.display(),
        bank.id,
        if skipped > 0 {
            format!("; bỏ qua {skipped} dòng")
        } else {
            String::new()
        }
    );
    if let Some(url) = &args.database_url {
        let saved = block_on(async {
            let store = Store::open(url).await?;
            let saved = store.save_imported_bank(bank, None).await;
            store.close().await;
            Ok(saved?)
        })?;
        match saved {
            Saved::Draft => println!(
                "đã lưu ngân hàng {} vào cơ sở dữ liệu dưới dạng bản nháp",
                bank.id
            ),
            Saved::BundledExists => {
                println!(
                    "chưa lưu vào cơ sở dữ liệu: đã có ngân hàng câu hỏi gốc mang mã {}",
                    bank.id
                );
                return Ok(ExitCode::FAILURE);
            }
            Saved::Taken => {
                println!(
                    "chưa lưu vào cơ sở dữ liệu: mã {} là của ngân hàng riêng của một giáo viên",
                    bank.id
                );
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let bank = find_bank(&args.bank, args.banks, args.database_url.as_deref())?;
    let format = args
        .format
        .or_else(|| {
            args.out
                .as_ref()
                .and_then(|o| Format::of_file(&o.display().to_string()))
        })
        .unwrap_or(Format::Xlsx);
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from(format!("{}.{}", bank.id, format.extension())));
    std::fs::write(&out, sheets::write(&bank, format)?)
        .with_context(|| format!("Failed to write {}", out.display()))?;
    println!(
        "đã xuất ngân hàng {} ({} câu hỏi) ra {}",
        bank.id,
        bank.questions.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The bank named by `spec`: a bank file, an id in `dir`, or an id in the database.
fn find_bank(spec: &str, dir: Option<PathBuf>, database_url: Option<&str>) -> anyhow::Result<Bank> {
    let path = Path::new(spec);
    if path.is_file() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("Failed to read {}", path.display()))?;
        let images = path.parent().unwrap_or(Path::new(".")).join("images");
        return bank::parse(spec, &text, &|image| images.join(image).is_file()).map_err(|issues| {
            let lines: Vec<String> = issues.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("ngân hàng có lỗi:\n{}", lines.join("\n"))
        });
    }
    let (source, name) = source_of(dir);
    let (banks, _) = load(&source)?;
    if let Some((_, bank)) = banks.into_iter().find(|(_, b)| b.id == spec) {
        return Ok(bank);
    }
    if let Some(url) = database_url {
        let found = block_on(async {
            let store = Store::open(url).await?;
            let bank = store.load_bank(spec).await;
            store.close().await;
            Ok(bank?)
        })?;
        if let Some(bank) = found {
            return Ok(bank);
        }
    }
    bail!("không có tệp ngân hàng hay mã ngân hàng {spec:?} (đã tìm trong {name})")
}

fn run_stats(args: StatsArgs) -> anyhow::Result<ExitCode> {
    if args.write_readme && args.path.is_none() {
        bail!(
            "--write-readme needs the bank folder whose README.md to rewrite (e.g. question-banks)"
        );
    }
    let (source, name) = source_of(args.path.clone());
    let (banks, issues) = load(&source)?;
    if !issues.is_empty() {
        eprintln!(
            "hoithi: {} problems in {name} (see `hoithi bank check`); counting the banks that parse",
            issues.len(),
        );
    }
    let markdown = bank_stats::markdown(banks.iter().map(|(_, b)| b));
    let Some(dir) = args.path.filter(|_| args.write_readme) else {
        print!("{markdown}");
        return Ok(ExitCode::SUCCESS);
    };
    let readme = dir.join("README.md");
    let text = std::fs::read_to_string(&readme)
        .with_context(|| format!("Failed to read {}", readme.display()))?;
    let (Some(begin), Some(end)) = (text.find(STATS_BEGIN), text.find(STATS_END)) else {
        bail!(
            "{} has no «{STATS_BEGIN}» … «{STATS_END}» block",
            readme.display()
        );
    };
    let updated = format!(
        "{}{STATS_BEGIN}\n{markdown}{}",
        &text[..begin],
        &text[end..]
    );
    std::fs::write(&readme, updated)
        .with_context(|| format!("Failed to write {}", readme.display()))?;
    println!("updated the counts in {}", readme.display());
    Ok(ExitCode::SUCCESS)
}

fn run_template(args: TemplateArgs) -> anyhow::Result<ExitCode> {
    let example = sheet::example();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("Failed to create {}", args.out.display()))?;
    for format in [Format::Xlsx, Format::Csv] {
        let path = args
            .out
            .join(format!("{}.{}", example.id, format.extension()));
        std::fs::write(&path, sheets::write(&example, format)?)
            .with_context(|| format!("Failed to write {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
