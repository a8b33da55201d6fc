use std::io::BufRead;

use sahel_watch::console::hash_password;
use sahel_watch::store::Store;
use sahel_watch::time::now;

use super::{Exit, Globals, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Add an account (or set the role and password of an existing one). The password is read
    /// from the first line of standard input, so that it stays out of the shell's history.
    Add {
        name: String,
        /// `analyst` may correct the machine; `reader` may only browse.
        #[arg(long, value_parser = ["analyst", "reader"], default_value = "reader")]
        role: String,
    },
    /// List the accounts.
    List,
    /// Remove an account and end its sessions.
    Remove { name: String },
}

/// The shortest password accepted.
const MIN_PASSWORD_CHARS: usize = 12;

/// The console's accounts.
pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let mut store = Store::open(&config.data_dir)?;
    match a.command {
        Command::Add { name, role } => {
            let name = name.trim().to_owned();
            if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
                return Err(UsageError(format!("{name:?} is not a usable account name")).into());
            }
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            if password.chars().count() < MIN_PASSWORD_CHARS {
                return Err(UsageError(format!(
                    "the password (first line of standard input) needs at least {MIN_PASSWORD_CHARS} characters"
                ))
                .into());
            }
            store.put_user(&name, &role, &hash_password(password)?, now())?;
            println!("account {name} ({role}) saved");
        }
        Command::List => {
            for u in store.users()? {
                println!(
                    "{}\t{}\tsince {}",
                    u.name,
                    u.role,
                    super::export::rfc3339(u.created_at)
                );
            }
        }
        Command::Remove { name } => {
            if !store.remove_user(&name)? {
                return Err(UsageError(format!("no account named {name:?}")).into());
            }
            println!("account {name} removed, with its sessions");
        }
    }
    Ok(Exit::Ok)
}
