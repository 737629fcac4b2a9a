//! The CLI's doors for the staff policy: every `skydir` subcommand is run by the operator on the
//! server, so each must say what it can do to an organization and why that keeps the support
//! policy (staff never choose a password, grant access, delete or disclose). The list is read
//! from the command tree itself, so a new subcommand fails this test until it is decided here.
//! What the API and the console allow staff is walked in
//! `crates/testkit/tests/staff_policy.rs`; the import's refusal of clear-text passwords and
//! its invitations are proven in `cli.rs`
//! (`import_users_reports_rows_by_line_supports_dry_run_and_all_or_nothing`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use clap::CommandFactory;
use skydir::cli::Cli;

/// Every leaf command and why it keeps the policy.
const DOORS: &[(&str, &str)] = &[
    (
        "serve",
        "runs the server; every door it opens is the API's and the console's",
    ),
    (
        "token create",
        "prints an operator token (the operator's own credential), never an org person's",
    ),
    (
        "import users",
        "provisions from another directory's export: users keep the hashes they came with, \
         the rest are mailed invitations, and a clear-text password is refused per row",
    ),
    (
        "audit verify",
        "reads the hash chains, prints counts only, changes nothing",
    ),
    (
        "mail ingest",
        "hands one inbound message to the desk, as the MTA would: tickets of active admins",
    ),
    (
        "privacy records",
        "prints the Art. 30 record: no person's data",
    ),
    (
        "privacy retention",
        "runs the retention rules the orgs' admins and their deletion requests decided",
    ),
];

fn leaves(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
    let subs: Vec<&clap::Command> = cmd
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .collect();
    if subs.is_empty() {
        out.push(prefix.trim().to_string());
    }
    for s in subs {
        leaves(s, &format!("{prefix} {}", s.get_name()), out);
    }
}

#[test]
fn every_cli_command_says_how_it_keeps_the_staff_policy() {
    let mut found = Vec::new();
    leaves(&Cli::command(), "", &mut found);
    found.sort();
    let mut decided: Vec<String> = DOORS.iter().map(|(c, _)| (*c).to_string()).collect();
    decided.sort();
    assert_eq!(
        found, decided,
        "a CLI command is new or gone: decide in DOORS how it keeps the staff policy"
    );
    // No command takes a password for someone else, or names a user to act on.
    let mut args = Vec::new();
    fn walk(c: &clap::Command, args: &mut Vec<String>) {
        args.extend(c.get_arguments().map(|a| a.get_id().to_string()));
        for s in c.get_subcommands() {
            walk(s, args);
        }
    }
    walk(&Cli::command(), &mut args);
    for forbidden in ["password", "username", "user", "admin", "grant", "member"] {
        assert!(
            !args.iter().any(|a| a == forbidden),
            "a CLI argument '{forbidden}' would let staff act on a person: {args:?}"
        );
    }
}
