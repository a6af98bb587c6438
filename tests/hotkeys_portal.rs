//! Hotkeys on Wayland through the xdg-desktop-portal GlobalShortcuts interface, against a portal of the test's
//! own: a private session bus (dbus-daemon) on which this test serves `org.freedesktop.portal.Desktop` with the
//! GlobalShortcuts interface as the portal documents it (CreateSession, BindShortcuts, ListShortcuts, the
//! Request objects' Response signal, Activated). The app runs as in a Wayland session (`WAYLAND_DISPLAY` set,
//! `XDG_SESSION_TYPE=wayland`) with its windows on the test's Xvfb (`GDK_BACKEND=x11`): it must bind its keys
//! through the portal, show what the desktop bound, and act on the portal's Activated signal.

#![cfg(target_os = "linux")]

mod common;
#[path = "common/portal.rs"]
mod portal;

use common::x11;
use ocrlay::probe::Probe;
use portal::{create_session, request_path, respond, Bus, PATH};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

const IFACE: &str = "org.freedesktop.portal.GlobalShortcuts";

/// Shortcuts as the portal writes them (`a(sa{sv})`): id and properties.
type Shortcuts = Vec<(String, HashMap<String, OwnedValue>)>;

/// Shortcut ids with their preferred triggers.
type Proposed = Vec<(String, Option<String>)>;

/// What the app asked the fake portal.
#[derive(Default)]
struct Asked {
    /// Sessions created, by their handles.
    sessions: Vec<String>,
    /// BindShortcuts calls: the session, and each shortcut's id with its preferred trigger.
    binds: Vec<(String, Proposed)>,
}

/// The GlobalShortcuts portal as xdg-desktop-portal documents it, for one client: it binds every shortcut
/// asked for at its preferred trigger and describes it as "Press <trigger>".
struct FakeShortcuts {
    asked: Arc<Mutex<Asked>>,
    bound: Arc<Mutex<Shortcuts>>,
}

#[zbus::interface(name = "org.freedesktop.portal.GlobalShortcuts")]
impl FakeShortcuts {
    async fn create_session(
        &self,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let sender = header.sender().unwrap().to_string();
        let (session, request) = create_session(conn, &sender, &options).await?;
        self.asked.lock().unwrap().sessions.push(session);
        Ok(request)
    }

    async fn bind_shortcuts(
        &self,
        session_handle: OwnedObjectPath,
        shortcuts: Shortcuts,
        _parent_window: String,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let request = request_path(header.sender().unwrap(), &options);
        let asked: Proposed = shortcuts
            .iter()
            .map(|(id, o)| {
                let preferred = o
                    .get("preferred_trigger")
                    .and_then(|v| String::try_from(v.clone()).ok());
                (id.clone(), preferred)
            })
            .collect();
        self.asked
            .lock()
            .unwrap()
            .binds
            .push((session_handle.to_string(), asked.clone()));
        let bound: Shortcuts = asked
            .into_iter()
            .map(|(id, preferred)| {
                let description = preferred.map_or(String::new(), |p| format!("Press {p}"));
                let d = HashMap::from([(
                    "trigger_description".to_string(),
                    OwnedValue::try_from(Value::from(description)).unwrap(),
                )]);
                (id, d)
            })
            .collect();
        *self.bound.lock().unwrap() = bound
            .iter()
            .map(|(id, d)| {
                let d = d
                    .iter()
                    .map(|(k, v)| (k.clone(), v.try_clone().unwrap()))
                    .collect();
                (id.clone(), d)
            })
            .collect();
        respond(
            conn,
            &request,
            HashMap::from([("shortcuts", Value::from(bound))]),
        )
        .await
    }

    async fn list_shortcuts(
        &self,
        _session_handle: OwnedObjectPath,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let request = request_path(header.sender().unwrap(), &options);
        let bound: Shortcuts = self
            .bound
            .lock()
            .unwrap()
            .iter()
            .map(|(id, d)| {
                let d = d
                    .iter()
                    .map(|(k, v)| (k.clone(), v.try_clone().unwrap()))
                    .collect();
                (id.clone(), d)
            })
            .collect();
        respond(
            conn,
            &request,
            HashMap::from([("shortcuts", Value::from(bound))]),
        )
        .await
    }

    /// The portal's property is named in lower case, as the interface documents it.
    #[zbus(property, name = "version")]
    fn version(&self) -> u32 {
        1
    }
}

/// Waits until `check` holds of what the app asked, for up to `timeout`.
fn wait_asked(
    app: &x11::App,
    asked: &Mutex<Asked>,
    timeout: Duration,
    check: impl Fn(&Asked) -> bool,
) {
    let t = Instant::now();
    while !check(&asked.lock().unwrap()) {
        assert!(
            t.elapsed() < timeout,
            "the app did not ask the portal; its log:\n{}",
            app.log_text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn on_wayland_the_portal_binds_the_keys_and_its_activated_signal_acts() {
    let Some(mut x) = x11::start_or_skip(1280, 800) else {
        return;
    };
    let Some(bus) = Bus::start(x11::x_required()) else {
        return;
    };
    let asked = Arc::new(Mutex::new(Asked::default()));
    let portal = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.freedesktop.portal.Desktop")
        .unwrap()
        .serve_at(
            PATH,
            FakeShortcuts {
                asked: asked.clone(),
                bound: Arc::default(),
            },
        )
        .unwrap()
        .build()
        .unwrap();

    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "[general]\nsetup_done = true\nui_language = \"en\"\n[hotkeys]\ntoggle_overlay = \"Ctrl+Alt+H\"\n\
         region_4 = \"\"\n",
    )
    .unwrap();
    let app = x11::App::start_exe_env(
        &mut x,
        Path::new(env!("CARGO_BIN_EXE_ocrlay")),
        home.path(),
        &config,
        "ocrlay=debug",
        &[],
        &[
            // A Wayland session (whose compositor this test does not run: the windows go to Xvfb).
            ("WAYLAND_DISPLAY", "wayland-ocrlay-test".as_ref()),
            ("XDG_SESSION_TYPE", "wayland".as_ref()),
            ("GDK_BACKEND", "x11".as_ref()),
            ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_ref()),
        ],
    );
    app.wait(Probe::Running, 1, Duration::from_secs(60));

    // ocrlay proposes every key of its settings, in the shortcuts specification's form.
    wait_asked(&app, &asked, Duration::from_secs(30), |a| {
        !a.binds.is_empty()
    });
    let (session, proposed) = asked.lock().unwrap().binds[0].clone();
    assert_eq!(asked.lock().unwrap().sessions, vec![session.clone()]);
    let preferred = |id: &str| {
        proposed
            .iter()
            .find(|(i, _)| i == id)
            .unwrap_or_else(|| panic!("{id} not proposed: {proposed:?}"))
            .1
            .clone()
    };
    assert_eq!(preferred("select_region").as_deref(), Some("ALT+q"));
    assert_eq!(preferred("toggle_overlay").as_deref(), Some("CTRL+ALT+h"));
    assert_eq!(preferred("open_settings").as_deref(), Some("ALT+SHIFT+s"));
    // A hotkey turned off is still offered, with no key: the user may bind one in the desktop.
    assert_eq!(preferred("region_4"), None);
    // The keys the desktop bound are the ones ocrlay reports (as the desktop describes them).
    app.wait(
        Probe::HotkeyRegistered {
            action: "SelectRegion".into(),
            keys: "Press ALT+q".into(),
        },
        1,
        Duration::from_secs(20),
    );

    // A press, as the desktop reports it: the overlay is hidden, as Ctrl+Alt+H would.
    let activate = |id: &str| {
        portal
            .emit_signal(
                None::<zbus::names::BusName<'_>>,
                PATH,
                IFACE,
                "Activated",
                &(
                    OwnedObjectPath::try_from(session.clone()).unwrap(),
                    id,
                    1234u64,
                    HashMap::<&str, Value<'_>>::new(),
                ),
            )
            .unwrap();
    };
    activate("toggle_overlay");
    app.wait(
        Probe::Hotkey {
            action: "ToggleOverlay".into(),
        },
        1,
        Duration::from_secs(20),
    );
    // A session that is not the app's: nothing happens; the app's own next press does.
    portal
        .emit_signal(
            None::<zbus::names::BusName<'_>>,
            PATH,
            IFACE,
            "Activated",
            &(
                OwnedObjectPath::try_from(format!("{PATH}/session/other/s1")).unwrap(),
                "open_settings",
                1235u64,
                HashMap::<&str, Value<'_>>::new(),
            ),
        )
        .unwrap();
    activate("repeat_last");
    let events = app.wait(
        Probe::Hotkey {
            action: "RepeatLast".into(),
        },
        1,
        Duration::from_secs(20),
    );
    assert!(
        !events.contains(&Probe::Hotkey {
            action: "OpenSettings".into()
        }),
        "{events:?}"
    );
    // ocrlay grabbed no key of its own (the portal binds them): no X11 registration carries the settings' text.
    assert!(
        !events.iter().any(|e| matches!(
            e,
            Probe::HotkeyRegistered { keys, .. } if keys == "Alt+Q"
        )),
        "{events:?}"
    );
    app.kill();
}

/// Where the desktop offers no shortcuts portal (sway, GNOME ≤ 47), ocrlay still grabs its keys through
/// XWayland (they work while an XWayland window, such as a Wine game, has the keyboard).
#[test]
fn on_wayland_without_a_portal_the_xwayland_grabs_stay() {
    let Some(mut x) = x11::start_or_skip(1280, 800) else {
        return;
    };
    let Some(bus) = Bus::start(x11::x_required()) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "[general]\nsetup_done = true\nui_language = \"en\"\n",
    )
    .unwrap();
    let app = x11::App::start_exe_env(
        &mut x,
        Path::new(env!("CARGO_BIN_EXE_ocrlay")),
        home.path(),
        &config,
        "ocrlay=debug",
        &[],
        &[
            ("WAYLAND_DISPLAY", "wayland-ocrlay-test".as_ref()),
            ("XDG_SESSION_TYPE", "wayland".as_ref()),
            ("GDK_BACKEND", "x11".as_ref()),
            ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_ref()),
        ],
    );
    app.wait(
        Probe::HotkeyRegistered {
            action: "RepeatLast".into(),
            keys: "Alt+W".into(),
        },
        1,
        Duration::from_secs(60),
    );
    app.press_hotkey(&x, "alt+w", "RepeatLast");
    app.kill();
}
