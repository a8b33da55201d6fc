//! The message templates (minijinja): bundled from `config/templates/`, each overridable by a
//! file of the same name in the configured directory. HTML templates are autoescaped (their
//! names end in `.html`); unknown variables are errors, and every template is rendered once
//! against a sample alert when loaded, so a broken override is refused at start or reload, not
//! when the first alert is due.

use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};

use super::view::{AlertView, DigestView};

/// The templates, by name, as shipped.
const BUNDLED: &[(&str, &str)] = &[
    (
        "alert.txt",
        include_str!("../../config/templates/alert.txt"),
    ),
    (
        "alert.html",
        include_str!("../../config/templates/alert.html"),
    ),
    (
        "digest.txt",
        include_str!("../../config/templates/digest.txt"),
    ),
    (
        "digest.html",
        include_str!("../../config/templates/digest.html"),
    ),
    (
        "_alert.txt",
        include_str!("../../config/templates/_alert.txt"),
    ),
    (
        "_alert.html",
        include_str!("../../config/templates/_alert.html"),
    ),
];

/// The largest template file read from the override directory.
const MAX_TEMPLATE_BYTES: u64 = 256 * 1024;

/// Why the templates were refused: the file, the line when known, and minijinja's reason.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read template {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("template {path} is larger than {MAX_TEMPLATE_BYTES} bytes")]
    TooLarge { path: String },
    #[error("template {path}{}: {source}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The override's path, or the bundled template's name.
        path: String,
        line: Option<usize>,
        #[source]
        source: minijinja::Error,
    },
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The compiled templates.
pub struct Templates {
    env: Environment<'static>,
    /// Where each template came from, for error messages.
    origins: Vec<(&'static str, String)>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("origins", &self.origins)
            .finish()
    }
}

impl Templates {
    /// The bundled templates.
    pub fn bundled() -> Templates {
        Templates::load(None).expect("the bundled templates compile and render")
    }

    /// The bundled templates, each replaced by the file of the same name in `dir` if there is
    /// one.
    pub fn load(dir: Option<&Path>) -> Result<Templates, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        let mut origins = Vec::new();
        for (name, bundled) in BUNDLED {
            let (origin, source) = match dir.map(|d| d.join(name)).filter(|p| p.exists()) {
                Some(path) => (path.display().to_string(), read_override(&path)?),
                None => (format!("<bundled>/{name}"), (*bundled).to_owned()),
            };
            env.add_template_owned(*name, source)
                .map_err(|source| TemplateError::Invalid {
                    path: origin.clone(),
                    line: source.line(),
                    source,
                })?;
            origins.push((*name, origin));
        }
        let t = Templates { env, origins };
        t.check()?;
        Ok(t)
    }

    fn origin(&self, name: &str) -> String {
        self.origins
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| name.to_owned(), |(_, o)| o.clone())
    }

    fn render(&self, name: &str, ctx: minijinja::Value) -> Result<String, TemplateError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(|source| {
                // An error inside an included template names that one.
                let at = source.name().unwrap_or(name).to_owned();
                TemplateError::Invalid {
                    path: self.origin(&at),
                    line: source.line(),
                    source,
                }
            })
    }

    /// Renders every template against a sample, so that errors show at load.
    fn check(&self) -> Result<(), TemplateError> {
        let rules = crate::detect::RulePack::bundled();
        let row = super::sample::sample_row(&rules, "check@sahel-watch.invalid");
        let view = super::view::alert_view(&rules, &row);
        self.alert(&view)?;
        let digest = super::view::digest_view(
            &rules,
            &crate::store::DigestRow {
                id: 0,
                recipient: row.recipient.clone(),
                message_id: String::new(),
                attempts: 0,
                alerts: vec![row.clone(), row],
            },
        );
        self.digest(&digest)?;
        Ok(())
    }

    /// The text and HTML parts of one alert.
    pub fn alert(&self, view: &AlertView) -> Result<Rendered, TemplateError> {
        let ctx =
            minijinja::context! { alert => minijinja::Value::from(minijinja::value::Serde(view)) };
        Ok(Rendered {
            subject: view.subject.clone(),
            text: self.render("alert.txt", ctx.clone())?,
            html: self.render("alert.html", ctx)?,
        })
    }

    /// The text and HTML parts of a digest.
    pub fn digest(&self, view: &DigestView) -> Result<Rendered, TemplateError> {
        let ctx =
            minijinja::context! { digest => minijinja::Value::from(minijinja::value::Serde(view)) };
        Ok(Rendered {
            subject: view.subject.clone(),
            text: self.render("digest.txt", ctx.clone())?,
            html: self.render("digest.html", ctx)?,
        })
    }
}

fn read_override(path: &Path) -> Result<String, TemplateError> {
    let read_err = |source| TemplateError::Read {
        path: path.to_owned(),
        source,
    };
    let len = std::fs::metadata(path).map_err(read_err)?.len();
    if len > MAX_TEMPLATE_BYTES {
        return Err(TemplateError::TooLarge {
            path: path.display().to_string(),
        });
    }
    std::fs::read_to_string(path).map_err(read_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_templates_render_rtl_html_with_marks() {
        let t = Templates::bundled();
        let rules = crate::detect::RulePack::bundled();
        let row = super::super::sample::sample_row(&rules, "a@b.c");
        let r = t
            .alert(&super::super::view::alert_view(&rules, &row))
            .unwrap();
        assert!(
            r.html.contains("<div dir=\"rtl\" lang=\"ar\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("<mark class=\"event\""), "{}", r.html);
        assert!(r.text.contains("What:    attack"), "{}", r.text);
        assert!(r.text.contains("Where:   "), "{}", r.text);
    }

    #[test]
    fn markup_from_a_feed_is_escaped_in_html_and_left_as_text_in_plain() {
        let t = Templates::bundled();
        let rules = crate::detect::RulePack::bundled();
        let mut row = super::super::sample::sample_row(&rules, "a@b.c");
        row.title = format!("<script>alert(1)</script>{}", row.title);
        row.text = format!("{}\n<img src=x onerror=alert(1)>", row.text);
        row.feed_name = "<b onmouseover=x>Feed</b>".into();
        row.url = Some("https://a.example/?a=\"><script>".into());
        row.analysis = crate::detect::analyze(&rules, &row.title, &row.text);
        let r = t
            .alert(&super::super::view::alert_view(&rules, &row))
            .unwrap();
        assert!(!r.html.contains("<script") && !r.html.contains("<img") && !r.html.contains("<b "));
        assert!(
            r.html
                .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{}",
            r.html
        );
        assert!(r.text.contains("<script>alert(1)</script>"), "{}", r.text);
    }

    #[test]
    fn an_override_with_an_error_is_refused_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("alert.txt"),
            "line one\n{{ alert.what }}\n{{ alert.no_such_field }}\n",
        )
        .unwrap();
        let e = Templates::load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("alert.txt:3"), "{e}");
        std::fs::write(dir.path().join("alert.txt"), "{% if %}\n").unwrap();
        let e = Templates::load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("alert.txt:1"), "{e}");
    }

    #[test]
    fn an_override_replaces_only_its_template() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("alert.txt"), "Custom: {{ alert.what }}\n").unwrap();
        let t = Templates::load(Some(dir.path())).unwrap();
        let rules = crate::detect::RulePack::bundled();
        let row = super::super::sample::sample_row(&rules, "a@b.c");
        let r = t
            .alert(&super::super::view::alert_view(&rules, &row))
            .unwrap();
        assert!(r.text.starts_with("Custom: "), "{}", r.text);
        assert!(r.html.contains("dir=\"rtl\""));
    }
}
