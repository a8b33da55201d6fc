//! Integration tests: the real binary against a real SQLite file, a real HTTP server on
//! 127.0.0.1 serving feeds built from real articles, and a real SMTP server on 127.0.0.1.

mod support;

mod alerts;
mod archive;
mod briefing_map;
mod channels;
mod charsets;
mod cli;
mod config;
mod console;
mod fulltext;
mod hostile;
mod picture;
mod pipeline;
mod rules;
mod security;
mod signals;
mod smtp;
mod stories;
mod surges;
mod systemd;
mod upkeep;
mod websub;
mod week;
