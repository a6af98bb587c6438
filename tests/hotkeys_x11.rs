//! The global hotkeys on a real X server (issue 24 item 4): while a hotkey field of the settings records keys
//! they are suspended (another client can take the keys, and a press does nothing), then registered again;
//! a key typed there that another program holds is named, and trying one leaves nothing registered.
//!
//! "Another program" is a second `GlobalHotKeyManager`: its own thread and its own X connection, a client of
//! the X server like any other.

#![cfg(target_os = "linux")]

mod common;

use global_hotkey::hotkey::HotKey;
use global_hotkey::GlobalHotKeyManager;
use ocrlay::app::event::HotkeyAction;
use ocrlay::app::hotkeys::Hotkeys;
use ocrlay::config::HotkeySettings;
use std::str::FromStr;
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn hotkeys_pause_while_one_is_typed_and_taken_keys_are_named() {
    let Some(x) = common::x11::start_bare_or_skip(640, 480) else {
        return;
    };
    // Both clients connect to the display of the environment: this test's X server (one test in this binary).
    std::env::set_var("DISPLAY", &x.display);
    std::env::remove_var("WAYLAND_DISPLAY");
    let (tx, pressed) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let mut ours = Hotkeys::with_sink(move |action, _| {
        let _ = tx.lock().map(|t| t.send(action));
    })
    .expect("hotkeys on the X server");
    ours.apply(&HotkeySettings::default());
    assert!(ours.errors.is_empty(), "{:?}", ours.errors);
    let other = GlobalHotKeyManager::new().expect("a second client");
    let alt_q = HotKey::from_str("Alt+Q").unwrap();
    // ocrlay holds Alt+Q, and a press selects a region.
    assert!(matches!(
        other.register(alt_q),
        Err(global_hotkey::Error::AlreadyRegistered(_))
    ));
    x.xdotool(&["key", "alt+q"]);
    assert_eq!(
        pressed.recv_timeout(Duration::from_secs(5)).ok(),
        Some(HotkeyAction::SelectRegion)
    );

    // Suspended: the key is free, and a press reaches nobody of ours.
    ours.suspend();
    assert!(ours.suspended());
    other.register(alt_q).expect("a suspended hotkey is free");
    other.unregister(alt_q).unwrap();
    // The last one released too (global-hotkey leaves the last ungrab unsent until a round trip).
    let open_settings = HotKey::from_str(&HotkeySettings::default().open_settings).unwrap();
    other
        .register(open_settings)
        .expect("the last suspended hotkey is free too");
    other.unregister(open_settings).unwrap();
    x.xdotool(&["key", "alt+q"]);
    assert_eq!(pressed.recv_timeout(Duration::from_millis(500)).ok(), None);
    // Settings saved meanwhile are kept, and registered when the suspension ends.
    let changed = HotkeySettings {
        repeat_last: "Alt+F8".into(),
        ..Default::default()
    };
    ours.apply(&changed);
    other.register(alt_q).expect("still suspended after apply");
    other.unregister(alt_q).unwrap();
    // global-hotkey sends an ungrab without flushing it (until the client's next request that waits for a
    // reply): the second client's release reaches the server with its next register.
    let flush = HotKey::from_str("Ctrl+Alt+Shift+F12").unwrap();
    other.register(flush).unwrap();
    ours.resume();
    assert!(!ours.suspended());
    assert!(ours.errors.is_empty(), "{:?}", ours.errors);
    assert!(matches!(
        other.register(alt_q),
        Err(global_hotkey::Error::AlreadyRegistered(_))
    ));
    x.xdotool(&["key", "alt+F8"]);
    assert_eq!(
        pressed.recv_timeout(Duration::from_secs(5)).ok(),
        Some(HotkeyAction::RepeatLast)
    );

    // A key another program holds is named when typed; a free one is not, and stays free; ocrlay's own
    // keys are not "taken".
    let taken = HotKey::from_str("Ctrl+Alt+F9").unwrap();
    other.register(taken).unwrap();
    let found = ours.try_typed([
        ("region_4", "Ctrl+Alt+F9"),
        ("region_3", "Ctrl+Alt+F10"),
        ("select_region", "Alt+Q"),
    ]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "region_4");
    assert_eq!(found[0].1.key, "hotkey.err_taken");
    assert!(found[0].1.render("en").contains("Ctrl+Alt+F9"));
    other
        .register(HotKey::from_str("Ctrl+Alt+F10").unwrap())
        .expect("trying a key leaves it free");
}
