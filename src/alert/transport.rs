use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::Rendered;
use super::{SmtpConfig, SmtpSecurity};

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("invalid address {address:?}: {source}")]
    Address {
        address: String,
        #[source]
        source: lettre::address::AddressError,
    },
    #[error("cannot build the message: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("delivery took longer than {0:?}")]
    TimedOut(std::time::Duration),
    #[error("maildir {path}: {source}")]
    Maildir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Where alerts go.
#[derive(Clone)]
pub enum Transport {
    Smtp {
        mailer: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// A maildir (tmp/, new/, cur/) with one `.eml` file per alert.
    Maildir { root: PathBuf, from: Mailbox },
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp { from, .. } => write!(f, "Smtp(from {from})"),
            Transport::Maildir { root, .. } => write!(f, "Maildir({})", root.display()),
        }
    }
}

/// TLS towards the configured host, trusting the system's authorities and `ca_file`'s.
fn tls_parameters(s: &SmtpConfig) -> Result<TlsParameters, TransportError> {
    let mut b = TlsParameters::builder(s.host.clone());
    if let Some(pem) = &s.ca_pem {
        b = b.add_root_certificate(Certificate::from_pem(pem)?);
    }
    Ok(b.build()?)
}

fn smtp_mailer(s: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, TransportError> {
    let tls = match s.security {
        SmtpSecurity::Plain => Tls::None,
        SmtpSecurity::StartTls => Tls::Required(tls_parameters(s)?),
        SmtpSecurity::OpportunisticStartTls => Tls::Opportunistic(tls_parameters(s)?),
        SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(s)?),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
        .port(s.port)
        .tls(tls)
        .timeout(Some(s.timeout));
    if let (Some(user), Some(pass)) = (&s.username, &s.password) {
        builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
    }
    Ok(builder.build())
}

impl Transport {
    /// SMTP when configured, otherwise the maildir at `maildir` (the configuration's
    /// `maildir_path`, under the data directory).
    pub fn new(smtp: Option<&SmtpConfig>, maildir: PathBuf) -> Result<Transport, TransportError> {
        match smtp {
            Some(s) => Ok(Transport::Smtp {
                mailer: smtp_mailer(s)?,
                from: s.from.clone(),
            }),
            None => Ok(Transport::Maildir {
                root: maildir,
                from: "sahel-watch <sahel-watch@localhost>"
                    .parse()
                    .expect("a valid literal address"),
            }),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp { .. } => "SMTP".into(),
            Transport::Maildir { root, .. } => format!("maildir {}", root.display()),
        }
    }

    fn from(&self) -> &Mailbox {
        match self {
            Transport::Smtp { from, .. } | Transport::Maildir { from, .. } => from,
        }
    }

    /// The headers every message shares: from, to, subject, and a Message-ID fixed by the caller.
    fn builder(
        &self,
        to: &str,
        message_id: &str,
        subject: &str,
    ) -> Result<lettre::message::MessageBuilder, TransportError> {
        let to: Mailbox = to.parse().map_err(|source| TransportError::Address {
            address: to.to_owned(),
            source,
        })?;
        Ok(Message::builder()
            .from(self.from().clone())
            .to(to)
            .subject(subject)
            .message_id(Some(message_id.to_owned())))
    }

    /// Builds the multipart message (plain text + HTML) with a fixed Message-ID.
    /// `in_reply_to` threads an update under the story's first alert (In-Reply-To and
    /// References).
    pub fn message(
        &self,
        to: &str,
        message_id: &str,
        in_reply_to: Option<&str>,
        r: &Rendered,
    ) -> Result<Message, TransportError> {
        let mut b = self.builder(to, message_id, &r.subject)?;
        if let Some(first) = in_reply_to {
            b = b.in_reply_to(first.to_owned()).references(first.to_owned());
        }
        Ok(b.multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(r.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(r.html.clone()),
                ),
        )?)
    }

    /// Builds a plain-text message (operator notices).
    pub fn plain_message(
        &self,
        to: &str,
        message_id: &str,
        subject: &str,
        body: &str,
    ) -> Result<Message, TransportError> {
        Ok(self
            .builder(to, message_id, subject)?
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())?)
    }

    /// Delivers one message. Returns only once the server accepted it (or the file is on disk),
    /// so the caller may then mark it sent. `key` names the maildir file: a resend of the same
    /// alert replaces the file rather than adding a second one.
    pub async fn send(&self, message: &Message, key: &str) -> Result<(), TransportError> {
        match self {
            Transport::Smtp { mailer, .. } => {
                mailer.send(message.clone()).await?;
                Ok(())
            }
            Transport::Maildir { root, .. } => {
                let bytes = message.formatted();
                let root = root.clone();
                let name = format!("{key}.eml");
                tokio::task::spawn_blocking(move || write_maildir(&root, &name, &bytes))
                    .await
                    .expect("maildir writer does not panic")
            }
        }
    }
}

/// Writes a message the maildir way: into tmp/, flushed to disk, then renamed into new/.
fn write_maildir(root: &Path, name: &str, bytes: &[u8]) -> Result<(), TransportError> {
    let err = |path: &Path| {
        let path = path.to_owned();
        move |source| TransportError::Maildir { path, source }
    };
    for sub in ["tmp", "new", "cur"] {
        let d = root.join(sub);
        crate::store::create_private_dir(&d).map_err(err(&d))?;
    }
    let tmp = root.join("tmp").join(name);
    let new = root.join("new").join(name);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp).map_err(err(&tmp))?;
    f.write_all(bytes).map_err(err(&tmp))?;
    f.sync_all().map_err(err(&tmp))?;
    std::fs::rename(&tmp, &new).map_err(err(&new))?;
    Ok(())
}
