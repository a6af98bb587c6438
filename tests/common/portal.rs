//! A session bus of a test's own and the pieces every fake xdg-desktop-portal of the tests shares: the Request
//! object a call answers on, and its Response signal.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::BufRead;
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Stdio};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

/// Where the portal serves its interfaces.
pub const PATH: &str = "/org/freedesktop/portal/desktop";

/// A session bus of the test's own, with no services to start: nothing on it but what the test serves.
pub struct Bus {
    daemon: Child,
    /// Its address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    _dir: tempfile::TempDir,
}

impl Bus {
    /// Starts it; `None` (after saying why) when dbus-daemon cannot start and the test may be skipped
    /// (`required`: it may not). Any user of this machine may connect (a session's tests run as another).
    pub fn start(required: bool) -> Option<Bus> {
        let dir = tempfile::tempdir().unwrap();
        let _ = std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755));
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    <allow user="*"/>
  </policy>
</busconfig>"#,
                dir.path().display()
            ),
        )
        .unwrap();
        let mut daemon = match Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(d) => d,
            Err(e) if !required => {
                eprintln!("skipped: dbus-daemon does not start ({e})");
                return None;
            }
            Err(e) => panic!("dbus-daemon does not start: {e}"),
        };
        let mut line = String::new();
        std::io::BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Some(Bus {
            daemon,
            address: line.trim().to_string(),
            _dir: dir,
        })
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// The Request object path a call with `options` answers on (`…/request/SENDER/TOKEN`).
pub fn request_path(sender: &str, options: &HashMap<String, OwnedValue>) -> String {
    let token = options
        .get("handle_token")
        .and_then(|v| String::try_from(v.clone()).ok())
        .expect("every portal call carries a handle_token");
    let sender = sender.trim_start_matches(':').replace('.', "_");
    format!("{PATH}/request/{sender}/{token}")
}

/// The session object path a CreateSession call with `options` makes (`…/session/SENDER/TOKEN`).
pub fn session_path(sender: &str, options: &HashMap<String, OwnedValue>) -> String {
    let token = options
        .get("session_handle_token")
        .and_then(|v| String::try_from(v.clone()).ok())
        .expect("CreateSession carries a session_handle_token");
    let sender = sender.trim_start_matches(':').replace('.', "_");
    format!("{PATH}/session/{sender}/{token}")
}

/// Answers a CreateSession call (its `options`, from `sender`) with the session it made; returns that
/// session's path with the Request's.
pub async fn create_session(
    conn: &zbus::Connection,
    sender: &str,
    options: &HashMap<String, OwnedValue>,
) -> zbus::fdo::Result<(String, OwnedObjectPath)> {
    let session = session_path(sender, options);
    let request = respond(
        conn,
        &request_path(sender, options),
        HashMap::from([("session_handle", Value::from(session.clone()))]),
    )
    .await?;
    Ok((session, request))
}

pub async fn respond(
    conn: &zbus::Connection,
    request: &str,
    results: HashMap<&str, Value<'_>>,
) -> zbus::fdo::Result<OwnedObjectPath> {
    respond_with(conn, request, 0, results).await
}

/// Answers the call whose Request object is `request` with `code` (0 granted, 1 cancelled by the user, 2
/// refused) and `results`.
pub async fn respond_with(
    conn: &zbus::Connection,
    request: &str,
    code: u32,
    results: HashMap<&str, Value<'_>>,
) -> zbus::fdo::Result<OwnedObjectPath> {
    conn.emit_signal(
        None::<zbus::names::BusName<'_>>,
        request,
        "org.freedesktop.portal.Request",
        "Response",
        &(code, results),
    )
    .await?;
    Ok(OwnedObjectPath::try_from(request.to_string()).unwrap())
}
