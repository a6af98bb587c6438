//! Which way Windows reads a window or a screen, chosen by itself: GDI (BitBlt of the desktop, PrintWindow of
//! a window: xcap's default) or a Windows.Graphics.Capture session. GDI reads many DirectX games (flip-model
//! swap chains, HDR monitors) as black or one flat colour; WGC reads them. In `auto` a flat or black frame of a
//! visible window makes ocrlay try the other way, and the way that showed something is remembered for that
//! game (its program) and tried first from then on. A frame that stays flat every way is never read as "no
//! text": it is [`Outcome::Blank`], which the capture layer reports with what to do.
//!
//! Platform-neutral: the Windows readers are handed in as a closure, so the choice is tested everywhere.

use super::frame::FrameLook;
use super::CaptureError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The `[capture] method` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// GDI first (or what worked for the game before); a flat frame of a visible window tries WGC.
    #[default]
    Auto,
    /// Always GDI.
    Gdi,
    /// Always Windows.Graphics.Capture.
    Wgc,
}

impl Method {
    /// The setting's name in the settings file.
    pub fn name(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::Gdi => "gdi",
            Method::Wgc => "wgc",
        }
    }

    /// The setting as a small number (for an atomic).
    pub fn to_u8(self) -> u8 {
        self as u8
    }

    /// [`Method::to_u8`] back; anything else is `Auto`.
    pub fn from_u8(v: u8) -> Method {
        match v {
            1 => Method::Gdi,
            2 => Method::Wgc,
            _ => Method::Auto,
        }
    }
}

/// One way of capturing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Way {
    /// GDI: BitBlt of the desktop, PrintWindow of a window.
    Gdi,
    /// A Windows.Graphics.Capture session (kept open, frames arrive when the window changes).
    Wgc,
}

/// What a read came to.
#[derive(Debug)]
pub enum Outcome<T> {
    /// Something was shown; read this way.
    Read(T, Way),
    /// Every way tried gave a flat frame of this colour (black: `[0, 0, 0]`): the system handed over an empty
    /// frame, or the window really shows one colour.
    Blank {
        /// The last frame (the frozen screen of a monitor that shows one colour is still that screen).
        frame: T,
        /// The colour of the last frame.
        colour: [u8; 3],
        /// The ways tried, in order.
        tried: Vec<Way>,
    },
    /// The read failed (the window is gone, the capture library's error); the last way's error.
    Failed(CaptureError),
}

/// What the system says of the window or screen about to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Situation {
    /// The window is on screen (not minimised): a flat frame of a window that is not shown is no reason to
    /// try another way.
    pub visible: bool,
    /// This system has Windows.Graphics.Capture (Windows 10 1903+).
    pub wgc: bool,
    /// The monitor shows HDR (Windows' "advanced colour"): GDI hands over a clipped, washed-out picture of
    /// it, WGC the real one (tone-mapped by [`super::hdr`]), so `auto` tries WGC first.
    pub hdr: bool,
}

impl Situation {
    /// A visible window on an SDR monitor, WGC there.
    pub const PLAIN: Situation = Situation {
        visible: true,
        wgc: true,
        hdr: false,
    };
}

/// What worked, per game: the way that last showed something. Games are keyed by [`Ways::key`].
#[derive(Debug, Default)]
pub struct Ways {
    worked: HashMap<String, Way>,
}

impl Ways {
    /// The key of a game: its program's name (case-insensitive), else its window's title; a monitor read as a
    /// region is `monitor:<name>`.
    pub fn key(app: &str, title: &str) -> String {
        let app = app.trim();
        if app.is_empty() {
            format!("title:{}", title.trim())
        } else {
            app.to_lowercase()
        }
    }

    /// What worked for `game` last, if it was remembered.
    pub fn worked(&self, game: &str) -> Option<Way> {
        self.worked.get(game).copied()
    }

    /// The ways to try for `game` under `method`, in order.
    pub fn order(&self, method: Method, game: &str, at: Situation) -> Vec<Way> {
        match method {
            Method::Gdi => vec![Way::Gdi],
            Method::Wgc if at.wgc => vec![Way::Wgc],
            // Asked for WGC where there is none: GDI is what there is.
            Method::Wgc => vec![Way::Gdi],
            Method::Auto if !at.wgc => vec![Way::Gdi],
            // On an HDR monitor GDI "works" washed out: WGC first whatever worked before.
            Method::Auto if at.hdr => vec![Way::Wgc, Way::Gdi],
            Method::Auto => match self.worked(game) {
                Some(Way::Wgc) => vec![Way::Wgc, Way::Gdi],
                _ => vec![Way::Gdi, Way::Wgc],
            },
        }
    }

    /// Reads `game` the ways `method` allows until one shows something. `read` reads one way and says what
    /// the whole window or screen looked like ([`FrameLook`]; it need look only when its part was one colour).
    /// In `auto` the way that showed something is remembered for `game`.
    pub fn read<T>(
        &mut self,
        method: Method,
        game: &str,
        at: Situation,
        mut read: impl FnMut(Way) -> Result<(T, FrameLook), CaptureError>,
    ) -> Outcome<T> {
        let visible = at.visible;
        let order = self.order(method, game, at);
        let mut tried = Vec::new();
        let mut failed = None;
        let mut flat = None;
        for way in order {
            tried.push(way);
            match read(way) {
                Ok((frame, FrameLook::Content)) => {
                    if method == Method::Auto {
                        self.worked.insert(game.to_string(), way);
                    }
                    return Outcome::Read(frame, way);
                }
                Ok((frame, look)) => {
                    let colour = match look {
                        FrameLook::Flat(c) => c,
                        _ => [0, 0, 0],
                    };
                    flat = Some((frame, colour));
                    if !visible {
                        break;
                    }
                }
                // A way that fails (WGC refused for this window, GDI's error) leaves the next to try.
                Err(e) => failed = Some(e),
            }
        }
        match (flat, failed) {
            (Some((frame, colour)), _) => Outcome::Blank {
                frame,
                colour,
                tried,
            },
            (None, Some(e)) => Outcome::Failed(e),
            (None, None) => {
                Outcome::Failed(CaptureError::Backend("nothing to capture with".into()))
            }
        }
    }
}

/// Whether a process runs elevated (as administrator), as Windows answers for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elevation {
    /// Elevated, or ocrlay may not even ask (access denied: only elevated processes refuse a limited query).
    Elevated,
    /// Not elevated.
    Normal,
    /// Not known (the process is gone, or not on Windows).
    Unknown,
}

/// Why a window's capture came back blank on Windows: an elevated game that ocrlay, not elevated, may not
/// read, else exclusive full screen or a game that draws past GDI.
pub fn blank_why(game: Elevation, ocrlay: Elevation) -> super::BlankWhy {
    if game == Elevation::Elevated && ocrlay != Elevation::Elevated {
        super::BlankWhy::WindowsElevated
    } else {
        super::BlankWhy::Windows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// A fake reader: what each way shows, and the ways asked, in order.
    fn reader(
        gdi: Result<FrameLook, ()>,
        wgc: Result<FrameLook, ()>,
        asked: &RefCell<Vec<Way>>,
    ) -> impl FnMut(Way) -> Result<(&'static str, FrameLook), CaptureError> + '_ {
        move |way| {
            asked.borrow_mut().push(way);
            let (name, look) = match way {
                Way::Gdi => ("gdi", gdi),
                Way::Wgc => ("wgc", wgc),
            };
            look.map(|l| (name, l))
                .map_err(|()| CaptureError::Backend(format!("{name} failed")))
        }
    }

    #[test]
    fn a_black_gdi_frame_of_a_visible_window_tries_wgc_and_remembers_it() {
        let mut ways = Ways::default();
        let game = Ways::key("YS8.exe", "Ys VIII");
        let asked = RefCell::new(Vec::new());
        let out = ways.read(
            Method::Auto,
            &game,
            Situation::PLAIN,
            reader(Ok(FrameLook::Black), Ok(FrameLook::Content), &asked),
        );
        assert!(matches!(out, Outcome::Read("wgc", Way::Wgc)), "{out:?}");
        assert_eq!(*asked.borrow(), [Way::Gdi, Way::Wgc]);
        // The next read of that game goes straight to WGC.
        asked.borrow_mut().clear();
        let out = ways.read(
            Method::Auto,
            &Ways::key("ys8.exe", "another title"),
            Situation::PLAIN,
            reader(Ok(FrameLook::Black), Ok(FrameLook::Content), &asked),
        );
        assert!(matches!(out, Outcome::Read("wgc", Way::Wgc)));
        assert_eq!(*asked.borrow(), [Way::Wgc]);
        // Another game still starts with GDI.
        assert_eq!(
            ways.order(Method::Auto, "notepad.exe", Situation::PLAIN),
            [Way::Gdi, Way::Wgc]
        );
    }

    #[test]
    fn a_one_colour_gdi_frame_tries_wgc_too() {
        let mut ways = Ways::default();
        let asked = RefCell::new(Vec::new());
        let out = ways.read(
            Method::Auto,
            "game.exe",
            Situation::PLAIN,
            reader(
                Ok(FrameLook::Flat([255, 255, 255])),
                Ok(FrameLook::Content),
                &asked,
            ),
        );
        assert!(matches!(out, Outcome::Read(_, Way::Wgc)));
    }

    #[test]
    fn a_window_flat_every_way_is_blank_never_no_text() {
        let mut ways = Ways::default();
        let asked = RefCell::new(Vec::new());
        let out = ways.read(
            Method::Auto,
            "game.exe",
            Situation::PLAIN,
            reader(Ok(FrameLook::Black), Ok(FrameLook::Flat([0, 0, 1])), &asked),
        );
        match out {
            Outcome::Blank {
                frame,
                colour,
                tried,
            } => {
                assert_eq!(frame, "wgc");
                assert_eq!(colour, [0, 0, 1]);
                assert_eq!(tried, [Way::Gdi, Way::Wgc]);
            }
            other => panic!("{other:?}"),
        }
        // Nothing was remembered: the next read starts with GDI again.
        assert_eq!(ways.worked("game.exe"), None);
    }

    #[test]
    fn a_minimised_window_is_not_tried_another_way() {
        let mut ways = Ways::default();
        let asked = RefCell::new(Vec::new());
        let out = ways.read(
            Method::Auto,
            "game.exe",
            Situation {
                visible: false,
                ..Situation::PLAIN
            },
            reader(Ok(FrameLook::Black), Ok(FrameLook::Content), &asked),
        );
        assert!(matches!(out, Outcome::Blank { .. }));
        assert_eq!(*asked.borrow(), [Way::Gdi]);
    }

    #[test]
    fn a_fixed_method_reads_one_way_only() {
        let mut ways = Ways::default();
        let asked = RefCell::new(Vec::new());
        let out = ways.read(
            Method::Gdi,
            "game.exe",
            Situation::PLAIN,
            reader(Ok(FrameLook::Black), Ok(FrameLook::Content), &asked),
        );
        assert!(matches!(
            out,
            Outcome::Blank {
                colour: [0, 0, 0],
                ..
            }
        ));
        assert_eq!(*asked.borrow(), [Way::Gdi]);
        asked.borrow_mut().clear();
        let out = ways.read(
            Method::Wgc,
            "game.exe",
            Situation::PLAIN,
            reader(Ok(FrameLook::Content), Ok(FrameLook::Content), &asked),
        );
        assert!(matches!(out, Outcome::Read("wgc", Way::Wgc)));
        // A fixed method teaches auto nothing.
        assert_eq!(ways.worked("game.exe"), None);
        // Without WGC (Windows before 10 1903, or not Windows) everything is GDI.
        let none = Situation {
            wgc: false,
            ..Situation::PLAIN
        };
        assert_eq!(ways.order(Method::Wgc, "game.exe", none), [Way::Gdi]);
        assert_eq!(ways.order(Method::Auto, "game.exe", none), [Way::Gdi]);
    }

    #[test]
    fn a_way_that_fails_leaves_the_other_and_the_last_error_is_said() {
        let mut ways = Ways::default();
        let asked = RefCell::new(Vec::new());
        let out = ways.read(
            Method::Auto,
            "game.exe",
            Situation::PLAIN,
            reader(Err(()), Ok(FrameLook::Content), &asked),
        );
        assert!(matches!(out, Outcome::Read("wgc", Way::Wgc)));
        let out = ways.read(
            Method::Auto,
            "other.exe",
            Situation::PLAIN,
            reader(Err(()), Err(()), &asked),
        );
        match out {
            Outcome::Failed(e) => assert!(e.to_string().contains("wgc failed"), "{e}"),
            other => panic!("{other:?}"),
        }
        // A black frame one way and an error the other: the black frame is what is reported.
        let out = ways.read(
            Method::Auto,
            "third.exe",
            Situation::PLAIN,
            reader(Ok(FrameLook::Black), Err(()), &asked),
        );
        assert!(matches!(out, Outcome::Blank { .. }));
    }

    #[test]
    fn what_worked_is_tried_first_and_the_other_way_after() {
        let mut ways = Ways::default();
        let asked = RefCell::new(Vec::new());
        // WGC worked once; later the game shows black to WGC (a protected cut-scene) and something to GDI.
        ways.worked.insert("game.exe".into(), Way::Wgc);
        let out = ways.read(
            Method::Auto,
            "game.exe",
            Situation::PLAIN,
            reader(Ok(FrameLook::Content), Ok(FrameLook::Black), &asked),
        );
        assert!(matches!(out, Outcome::Read("gdi", Way::Gdi)));
        assert_eq!(*asked.borrow(), [Way::Wgc, Way::Gdi]);
        assert_eq!(ways.worked("game.exe"), Some(Way::Gdi));
    }

    #[test]
    fn an_hdr_monitor_is_read_through_wgc_first() {
        let mut ways = Ways::default();
        let hdr = Situation {
            hdr: true,
            ..Situation::PLAIN
        };
        assert_eq!(
            ways.order(Method::Auto, "game.exe", hdr),
            [Way::Wgc, Way::Gdi]
        );
        assert_eq!(ways.order(Method::Gdi, "game.exe", hdr), [Way::Gdi]);
        // GDI showing something there (washed out) does not keep WGC from being tried first.
        ways.worked.insert("game.exe".into(), Way::Gdi);
        assert_eq!(
            ways.order(Method::Auto, "game.exe", hdr),
            [Way::Wgc, Way::Gdi]
        );
    }

    #[test]
    fn games_are_keyed_by_program_else_title() {
        assert_eq!(Ways::key(" Game.EXE ", "x"), "game.exe");
        assert_eq!(Ways::key("", "My Game"), "title:My Game");
    }

    #[test]
    fn an_elevated_game_is_said_only_when_ocrlay_is_not() {
        use super::super::BlankWhy;
        assert_eq!(
            blank_why(Elevation::Elevated, Elevation::Normal),
            BlankWhy::WindowsElevated
        );
        assert_eq!(
            blank_why(Elevation::Elevated, Elevation::Unknown),
            BlankWhy::WindowsElevated
        );
        assert_eq!(
            blank_why(Elevation::Elevated, Elevation::Elevated),
            BlankWhy::Windows
        );
        assert_eq!(
            blank_why(Elevation::Normal, Elevation::Normal),
            BlankWhy::Windows
        );
        assert_eq!(
            blank_why(Elevation::Unknown, Elevation::Normal),
            BlankWhy::Windows
        );
    }

    #[test]
    fn the_setting_round_trips() {
        for m in [Method::Auto, Method::Gdi, Method::Wgc] {
            assert_eq!(Method::from_u8(m.to_u8()), m);
            let v: Method = toml::Value::String(m.name().into()).try_into().unwrap();
            assert_eq!(v, m);
        }
    }
}
