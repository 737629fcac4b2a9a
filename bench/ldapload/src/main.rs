//! `skydir-ldapload`: drives an LDAP server with searches by uid or simple binds from N
//! concurrent connections for a fixed time, and prints one JSON line: operations, ops/s,
//! p50/p99 latency and — given the server's pid — the server's CPU time per operation, which is
//! steadier than throughput on a shared machine. Used identically against skydir and slapd.

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use ldap3::{LdapConnAsync, Scope};
use rand::Rng;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Mode {
    /// `(uid=<user>)` subtree searches on one bound connection per worker.
    Search,
    /// Simple binds of random users, one connection per worker.
    Bind,
}

#[derive(Debug, Parser)]
struct Args {
    #[arg(long)]
    url: String,
    #[arg(long, value_enum)]
    mode: Mode,
    /// DN and password the search workers bind with.
    #[arg(long, default_value = "")]
    bind_dn: String,
    #[arg(long, default_value = "")]
    bind_pw: String,
    /// Search base.
    #[arg(long, default_value = "")]
    base: String,
    /// DN of user i, with `{}` for the uid (bind mode).
    #[arg(long, default_value = "")]
    dn_template: String,
    /// Password of every user (bind mode).
    #[arg(long, default_value = "bench password")]
    user_pw: String,
    /// Users are user<FIRST> … user<N>.
    #[arg(long)]
    users: u32,
    /// The first user number (bind mode: lets one run bind only users with another hash).
    #[arg(long, default_value_t = 1)]
    first_user: u32,
    /// The case name in the output (default: the mode).
    #[arg(long)]
    case: Option<String>,
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Seconds to run (after a 2 s warm-up).
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// The server's pid, to report its CPU time per operation.
    #[arg(long)]
    server_pid: Option<u32>,
    /// A label for the output line.
    #[arg(long, default_value = "")]
    label: String,
}

/// utime + stime of `pid` in seconds (Linux `/proc/<pid>/stat`).
fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let after = stat.rsplit_once(')').context("malformed stat")?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let (u, s): (f64, f64) = (f[11].parse()?, f[12].parse()?);
    Ok((u + s) / 100.0)
}

fn uid(i: u32) -> String {
    format!("user{i:06}")
}

async fn worker(args: &Args, until: Instant, measure_from: Instant) -> anyhow::Result<Vec<u32>> {
    let (conn, mut ldap) = LdapConnAsync::new(&args.url).await?;
    ldap3::drive!(conn);
    if matches!(args.mode, Mode::Search) {
        ldap.simple_bind(&args.bind_dn, &args.bind_pw)
            .await?
            .success()?;
    }
    let mut lat = Vec::new();
    while Instant::now() < until {
        let i = rand::rng().random_range(args.first_user..=args.users);
        let t = Instant::now();
        match args.mode {
            Mode::Search => {
                let (rs, _) = ldap
                    .search(
                        &args.base,
                        Scope::Subtree,
                        &format!("(uid={})", uid(i)),
                        vec!["uid", "uidNumber", "mail"],
                    )
                    .await?
                    .success()?;
                if rs.len() != 1 {
                    bail!("search for {} found {} entries", uid(i), rs.len());
                }
            }
            Mode::Bind => {
                let dn = args.dn_template.replace("{}", &uid(i));
                ldap.simple_bind(&dn, &args.user_pw).await?.success()?;
            }
        }
        if t >= measure_from {
            lat.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
    }
    let _ = ldap.unbind().await;
    Ok(lat)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = std::sync::Arc::new(Args::parse());
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(2);
    let until = measure_from + Duration::from_secs(args.duration);
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let a = args.clone();
        tasks.push(tokio::spawn(async move {
            worker(&a, until, measure_from).await
        }));
    }
    // CPU is sampled over the measured window only.
    tokio::time::sleep_until(measure_from.into()).await;
    let cpu0 = args.server_pid.map(cpu_seconds).transpose()?;
    tokio::time::sleep_until(until.into()).await;
    let cpu1 = args.server_pid.map(cpu_seconds).transpose()?;
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    lat.sort_unstable();
    let ops = lat.len();
    let pct = |p: f64| {
        lat.get(((ops as f64 * p) as usize).min(ops.saturating_sub(1)))
            .copied()
    };
    let secs = args.duration as f64;
    let cpu = match (cpu0, cpu1) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    println!(
        "{}",
        serde_json::json!({
            "label": args.label,
            "mode": args.case.clone().unwrap_or_else(|| format!("{:?}", args.mode).to_lowercase()),
            "concurrency": args.concurrency,
            "ops": ops,
            "ops_per_s": (ops as f64 / secs).round(),
            "p50_us": pct(0.50),
            "p99_us": pct(0.99),
            "server_cpu_s": cpu,
            "server_cpu_us_per_op": cpu.map(|c| (c * 1e6 / ops.max(1) as f64).round()),
        })
    );
    Ok(())
}
