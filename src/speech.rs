//! Read-aloud: each new line (its source or its translation, `[output] speak`) goes to the system's speech
//! through the `tts` crate (WinRT on Windows, speech-dispatcher on Linux, AVFoundation on macOS), a new line
//! interrupting the one being read.
//!
//! Speech engines are not `Send` on every platform and their calls can block (speech-dispatcher answers over a
//! socket, and is started on the first connection), so one worker thread owns the engine: it opens it when
//! read-aloud is first configured or used and takes [`Command`]s from a channel. The UI thread only sends.
//! What goes wrong (no speech service, a voice that is not installed) comes back once as a [`SpeechError`] for
//! the status line, never as a panic. The spoken text is what OCR read from the screen: it is never logged,
//! only its length.
//!
//! The [`Engine`] trait is the seam at the speech crate: [`TtsEngine`] is the real one, and tests record what
//! would reach the crate with a fake.

use crate::text::Text;
use serde::Serialize;
use std::sync::mpsc;

/// A voice the system offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoiceInfo {
    /// The system's id (on Linux the same as the name).
    pub id: String,
    /// What the settings store and show.
    pub name: String,
    /// Its language (BCP 47, `ja`, `zh-CN`, `en-US`…).
    pub language: String,
}

/// An engine's rate scale: its lowest, normal and highest rate, in its own unit (speech-dispatcher −100…0…100,
/// WinRT 0.5…1…6, AVFoundation 0.1…0.5…2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// The slowest.
    pub min: f32,
    /// The voice's normal rate.
    pub normal: f32,
    /// The fastest.
    pub max: f32,
}

/// The lowest and highest `[output] rate` (a multiple of the normal rate); `config::limits` has the same.
pub const RATE_RANGE: (f32, f32) = (0.5, 2.0);

impl Rates {
    /// The engine's rate for the settings' `rate` (a multiple of the normal rate, 0.5–2.0). On a scale of
    /// multiples (normal above 0: WinRT, AVFoundation) it is that multiple of normal; on an offset scale
    /// (speech-dispatcher's −100…100 around 0) 1.0 is normal and the settings' ends reach the engine's ends,
    /// linearly on each side. Always within the engine's range.
    pub fn engine_rate(&self, rate: f32) -> f32 {
        let (lo, hi) = RATE_RANGE;
        let rate = if rate.is_finite() {
            rate.clamp(lo, hi)
        } else {
            1.0
        };
        let r = if self.normal > 0.0 {
            self.normal * rate
        } else if rate >= 1.0 {
            self.normal + (rate - 1.0) / (hi - 1.0) * (self.max - self.normal)
        } else {
            self.normal - (1.0 - rate) / (1.0 - lo) * (self.normal - self.min)
        };
        r.clamp(self.min.min(self.max), self.max.max(self.min))
    }
}

/// What the speech crate can be asked: the seam between ocrlay and the system's speech.
pub trait Engine {
    /// The voices installed.
    fn voices(&self) -> Result<Vec<VoiceInfo>, String>;
    /// Speaks with `voice` from now on.
    fn set_voice(&mut self, voice: &VoiceInfo) -> Result<(), String>;
    /// The rate scale, when the engine can change its rate.
    fn rates(&self) -> Option<Rates>;
    /// Sets the rate, in the engine's unit.
    fn set_rate(&mut self, rate: f32) -> Result<(), String>;
    /// Speaks `text`; with `interrupt`, what is being spoken stops first.
    fn speak(&mut self, text: &str, interrupt: bool) -> Result<(), String>;
    /// Stops speaking.
    fn stop(&mut self) -> Result<(), String>;
    /// Gives the engine up (the worker ends, or the system's default voice is wanted back).
    fn retire(self: Box<Self>) {}
}

/// Opens the engine (on the worker thread).
pub type Opener = Box<dyn Fn() -> Result<Box<dyn Engine>, String> + Send>;

/// The system's speech through the `tts` crate.
pub struct TtsEngine {
    tts: tts::Tts,
    /// The crate's voices as last listed: setting one does not list them again (speech-dispatcher with
    /// espeak-ng lists over 13 000, about a second each time).
    listed: std::cell::RefCell<Vec<tts::Voice>>,
}

impl TtsEngine {
    /// Connects to the system's speech (on Linux speech-dispatcher, which libspeechd starts when it does not
    /// run yet).
    pub fn connect() -> Result<TtsEngine, String> {
        let tts = tts::Tts::default().map_err(|e| e.to_string())?;
        Ok(TtsEngine {
            tts,
            listed: Default::default(),
        })
    }

    /// [`connect`](Self::connect), as the worker's engine.
    pub fn open() -> Result<Box<dyn Engine>, String> {
        Ok(Box::new(Self::connect()?))
    }

    /// Calls `f` whenever a line has been spoken to its end, where the engine says so (speech-dispatcher,
    /// WinRT, AVFoundation); the error says it cannot.
    pub fn on_spoken(&self, f: impl FnMut() + 'static) -> Result<(), String> {
        let mut f = f;
        self.tts
            .on_utterance_end(Some(Box::new(move |_| f())))
            .map_err(|e| e.to_string())
    }
}

impl Engine for TtsEngine {
    fn voices(&self) -> Result<Vec<VoiceInfo>, String> {
        let voices = self.tts.voices().map_err(|e| e.to_string())?;
        let info = voices
            .iter()
            .map(|v| VoiceInfo {
                id: v.id(),
                name: v.name(),
                language: v.language().to_string(),
            })
            .collect();
        *self.listed.borrow_mut() = voices;
        Ok(info)
    }

    fn set_voice(&mut self, voice: &VoiceInfo) -> Result<(), String> {
        let listed = self
            .listed
            .borrow()
            .iter()
            .find(|v| v.id() == voice.id)
            .cloned();
        let found = match listed {
            Some(v) => v,
            None => self
                .tts
                .voices()
                .map_err(|e| e.to_string())?
                .into_iter()
                .find(|v| v.id() == voice.id)
                .ok_or_else(|| voice.name.clone())?,
        };
        self.tts.set_voice(&found).map_err(|e| e.to_string())
    }

    fn rates(&self) -> Option<Rates> {
        self.tts.supported_features().rate.then(|| Rates {
            min: self.tts.min_rate(),
            normal: self.tts.normal_rate(),
            max: self.tts.max_rate(),
        })
    }

    fn set_rate(&mut self, rate: f32) -> Result<(), String> {
        self.tts
            .set_rate(rate)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn speak(&mut self, text: &str, interrupt: bool) -> Result<(), String> {
        self.tts
            .speak(text, interrupt)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn stop(&mut self) -> Result<(), String> {
        if !self.tts.supported_features().stop {
            return Ok(());
        }
        self.tts.stop().map(|_| ()).map_err(|e| e.to_string())
    }

    fn retire(mut self: Box<Self>) {
        let _ = Engine::stop(&mut *self);
        // Not dropped: tts 0.26 forgets the engine's callbacks before closing its speech-dispatcher connection,
        // and an event of the stopped line arriving in between panics inside a C callback, which aborts the
        // process. One connection left open (the worker ends with the app, or the user went back to the
        // default voice) costs nothing next to that.
        std::mem::forget(self);
    }
}

/// What went wrong, for the status line (once per kind, until speech works again or the settings change).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpeechError {
    /// The system's speech could not be reached.
    #[error("no speech service: {0}")]
    Unavailable(String),
    /// The chosen voice is not installed; the default voice reads.
    #[error("voice not installed: {0}")]
    VoiceMissing(String),
    /// Speaking (or setting the voice or rate) failed.
    #[error("speech failed: {0}")]
    Failed(String),
}

impl SpeechError {
    /// The sentence for the user (`ui/strings.js`).
    pub fn text(&self) -> Text {
        match self {
            SpeechError::Unavailable(reason) => {
                Text::new("status.speech_unavailable").with("reason", reason)
            }
            SpeechError::VoiceMissing(voice) => {
                Text::new("status.speech_voice_missing").with("voice", voice)
            }
            SpeechError::Failed(reason) => Text::new("status.speech_failed").with("reason", reason),
        }
    }
}

/// The answer to a voice list request.
pub type VoicesReply = Box<dyn FnOnce(Result<Vec<VoiceInfo>, SpeechError>) + Send>;

/// What the worker is asked.
enum Command {
    /// Read a line, interrupting the one being read.
    Speak(String),
    /// Use this voice (by name or id; empty: the default) and rate (a multiple of normal).
    Configure { voice: String, rate: f32 },
    /// Stop reading.
    Stop,
    /// List the voices.
    Voices(VoicesReply),
}

/// The read-aloud output: a handle on the worker thread, started on first use (a voice and rate set, a line, a
/// voice list); the engine opens with it. Switching read-aloud off only stops the engine.
pub struct Speech {
    open: Option<Opener>,
    report: Option<Box<dyn Fn(SpeechError) + Send>>,
    tx: Option<mpsc::Sender<Command>>,
    /// The voice and rate last sent, so that saving other settings does not reconfigure the engine.
    configured: Option<(String, f32)>,
}

impl Speech {
    /// Speech through `open`'s engine; `report` gets what goes wrong (on the worker thread).
    pub fn new(open: Opener, report: impl Fn(SpeechError) + Send + 'static) -> Self {
        Speech {
            open: Some(open),
            report: Some(Box::new(report)),
            tx: None,
            configured: None,
        }
    }

    /// The system's speech (the `tts` crate).
    pub fn system(report: impl Fn(SpeechError) + Send + 'static) -> Self {
        Speech::new(Box::new(TtsEngine::open), report)
    }

    fn send(&mut self, command: Command) {
        if self.tx.is_none() {
            let (Some(open), Some(report)) = (self.open.take(), self.report.take()) else {
                return;
            };
            let (tx, rx) = mpsc::channel();
            let started = std::thread::Builder::new()
                .name("ocrlay-speech".into())
                .spawn(move || Worker::new(open, report).run(rx));
            if let Err(e) = started {
                tracing::warn!("read-aloud cannot start its thread: {e}");
                return;
            }
            self.tx = Some(tx);
        }
        if let Some(tx) = &self.tx {
            let _ = tx.send(command);
        }
    }

    /// Reads `text`, interrupting the line being read.
    pub fn say(&mut self, text: &str) {
        if !text.trim().is_empty() {
            self.send(Command::Speak(text.to_string()));
        }
    }

    /// Uses `voice` (a name or id; empty: the system's default) at `rate` (a multiple of normal). Nothing is
    /// sent when they did not change.
    pub fn configure(&mut self, voice: &str, rate: f32) {
        let wanted = (voice.to_string(), rate);
        if self.configured.as_ref() == Some(&wanted) {
            return;
        }
        self.configured = Some(wanted);
        self.send(Command::Configure {
            voice: voice.to_string(),
            rate,
        });
    }

    /// Stops reading (read-aloud was switched off); the engine is not opened for it.
    pub fn stop(&mut self) {
        if self.tx.is_some() {
            self.send(Command::Stop);
        }
    }

    /// Lists the voices; `reply` is called on the worker thread.
    pub fn voices(&mut self, reply: VoicesReply) {
        self.send(Command::Voices(reply));
    }
}

/// The worker thread's state.
struct Worker {
    open: Opener,
    report: Box<dyn Fn(SpeechError) + Send>,
    engine: Option<Box<dyn Engine>>,
    voice: String,
    rate: f32,
    /// The last error reported: the same one is not reported again for every line.
    reported: Option<SpeechError>,
}

impl Worker {
    fn new(open: Opener, report: Box<dyn Fn(SpeechError) + Send>) -> Self {
        Worker {
            open,
            report,
            engine: None,
            voice: String::new(),
            rate: 1.0,
            reported: None,
        }
    }

    fn run(mut self, rx: mpsc::Receiver<Command>) {
        while let Ok(command) = rx.recv() {
            match command {
                Command::Speak(text) => self.speak(&text),
                Command::Configure { voice, rate } => self.configure(voice, rate),
                Command::Stop => {
                    if let Some(e) = &mut self.engine {
                        let _ = e.stop();
                    }
                }
                Command::Voices(reply) => reply(self.voices()),
            }
        }
        if let Some(engine) = self.engine.take() {
            engine.retire();
        }
    }

    fn fail(&mut self, e: SpeechError) {
        tracing::warn!("read-aloud: {e}");
        if self.reported.as_ref() != Some(&e) {
            (self.report)(e.clone());
            self.reported = Some(e);
        }
    }

    /// The engine, opened (and set up with the voice and rate) if it is not yet.
    fn engine(&mut self) -> Option<&mut Box<dyn Engine>> {
        if self.engine.is_none() {
            match (self.open)() {
                Ok(engine) => {
                    tracing::info!("read-aloud: speech engine open");
                    self.engine = Some(engine);
                    self.apply();
                }
                Err(reason) => {
                    self.fail(SpeechError::Unavailable(reason));
                    return None;
                }
            }
        }
        self.engine.as_mut()
    }

    fn configure(&mut self, voice: String, rate: f32) {
        let back_to_default = voice.is_empty() && !self.voice.is_empty();
        self.voice = voice;
        self.rate = rate;
        self.reported = None;
        if back_to_default {
            // Engines have no "default voice" call: a new engine starts with it.
            if let Some(engine) = self.engine.take() {
                engine.retire();
            }
        }
        // Read-aloud is on: the engine is opened now, off the UI thread, so that the first line is not kept
        // waiting while it starts and lists its voices (seconds, with speech-dispatcher and espeak-ng).
        if self.engine.is_some() {
            self.apply();
        } else {
            self.engine();
        }
    }

    /// Sets the chosen voice (by name, or id) and the rate on the open engine.
    fn apply(&mut self) {
        let Some(engine) = self.engine.as_mut() else {
            return;
        };
        let mut problem = None;
        if !self.voice.is_empty() {
            let wanted = self.voice.as_str();
            match engine.voices() {
                Ok(voices) => {
                    let found = voices
                        .iter()
                        .find(|v| v.name == wanted || v.id == wanted)
                        .or_else(|| {
                            voices.iter().find(|v| {
                                v.name.eq_ignore_ascii_case(wanted)
                                    || v.id.eq_ignore_ascii_case(wanted)
                            })
                        });
                    match found {
                        Some(v) => {
                            if let Err(e) = engine.set_voice(v) {
                                problem = Some(SpeechError::Failed(e));
                            }
                        }
                        None => problem = Some(SpeechError::VoiceMissing(wanted.to_string())),
                    }
                }
                Err(e) => problem = Some(SpeechError::Failed(e)),
            }
        }
        if let Some(rates) = engine.rates() {
            if let Err(e) = engine.set_rate(rates.engine_rate(self.rate)) {
                problem.get_or_insert(SpeechError::Failed(e));
            }
        }
        if let Some(e) = problem {
            self.fail(e);
        }
    }

    fn speak(&mut self, text: &str) {
        let chars = text.chars().count();
        let Some(engine) = self.engine() else {
            return;
        };
        match engine.speak(text, true) {
            Ok(()) => {
                tracing::debug!(chars, "read-aloud: line sent to the speech engine");
                crate::probe::emit(crate::probe::Probe::Spoken { chars });
                // Speech works: a later failure is worth saying again.
                if matches!(
                    self.reported,
                    Some(SpeechError::Unavailable(_) | SpeechError::Failed(_))
                ) {
                    self.reported = None;
                }
            }
            Err(e) => {
                self.fail(SpeechError::Failed(e));
                // A connection that failed (the service went away or restarted) is opened again for the
                // next line.
                if let Some(engine) = self.engine.take() {
                    engine.retire();
                }
            }
        }
    }

    fn voices(&mut self) -> Result<Vec<VoiceInfo>, SpeechError> {
        let Some(engine) = self.engine() else {
            return Err(self
                .reported
                .clone()
                .unwrap_or(SpeechError::Unavailable(String::new())));
        };
        let mut voices = engine.voices().map_err(SpeechError::Failed)?;
        voices.sort_by(|a, b| {
            (a.language.as_str(), a.name.as_str()).cmp(&(b.language.as_str(), b.name.as_str()))
        });
        Ok(voices)
    }
}

/// A recording engine for tests: every call that would reach the speech crate, in order.
#[cfg(test)]
pub(crate) mod fake {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A call that reached the engine.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Call {
        Open,
        SetVoice(String),
        SetRate(f32),
        Speak { text: String, interrupt: bool },
        Stop,
        Retire,
    }

    /// The calls, sent as they happen (tests wait on them, never sleep).
    pub struct Recorder {
        pub calls: mpsc::Receiver<Call>,
        pub errors: mpsc::Receiver<SpeechError>,
        /// Whether opening fails (no speech service).
        pub down: Arc<Mutex<bool>>,
        /// Whether speaking fails (the service went away).
        pub mute: Arc<Mutex<bool>>,
    }

    impl Recorder {
        /// The next call, within 5 s.
        pub fn next(&self) -> Call {
            self.calls
                .recv_timeout(std::time::Duration::from_secs(5))
                .expect("a call to the engine within 5 s")
        }

        /// The next error reported, within 5 s.
        pub fn error(&self) -> SpeechError {
            self.errors
                .recv_timeout(std::time::Duration::from_secs(5))
                .expect("an error within 5 s")
        }
    }

    struct Fake(mpsc::Sender<Call>, Arc<Mutex<bool>>);

    impl Engine for Fake {
        fn voices(&self) -> Result<Vec<VoiceInfo>, String> {
            let voice = |id: &str, name: &str, language: &str| VoiceInfo {
                id: id.into(),
                name: name.into(),
                language: language.into(),
            };
            Ok(vec![
                voice("HKLM\\Voices\\Haruka", "Microsoft Haruka", "ja-JP"),
                voice("HKLM\\Voices\\Huihui", "Microsoft Huihui", "zh-CN"),
            ])
        }
        fn set_voice(&mut self, voice: &VoiceInfo) -> Result<(), String> {
            let _ = self.0.send(Call::SetVoice(voice.id.clone()));
            Ok(())
        }
        fn rates(&self) -> Option<Rates> {
            Some(Rates {
                min: -100.0,
                normal: 0.0,
                max: 100.0,
            })
        }
        fn set_rate(&mut self, rate: f32) -> Result<(), String> {
            let _ = self.0.send(Call::SetRate(rate));
            Ok(())
        }
        fn speak(&mut self, text: &str, interrupt: bool) -> Result<(), String> {
            if self.1.lock().is_ok_and(|m| *m) {
                return Err("connection lost".into());
            }
            let _ = self.0.send(Call::Speak {
                text: text.into(),
                interrupt,
            });
            Ok(())
        }
        fn stop(&mut self) -> Result<(), String> {
            let _ = self.0.send(Call::Stop);
            Ok(())
        }
        fn retire(self: Box<Self>) {
            let _ = self.0.send(Call::Retire);
        }
    }

    /// Speech through a recording engine (speech-dispatcher's rate scale, two Windows-like voices).
    pub fn speech() -> (Speech, Recorder) {
        let (calls_tx, calls) = mpsc::channel();
        let (errors_tx, errors) = mpsc::channel();
        let down = Arc::new(Mutex::new(false));
        let mute = Arc::new(Mutex::new(false));
        let (is_down, is_mute) = (down.clone(), mute.clone());
        let open: Opener = Box::new(move || {
            if is_down.lock().is_ok_and(|d| *d) {
                return Err("cannot connect to speech-dispatcher".into());
            }
            let _ = calls_tx.send(Call::Open);
            Ok(Box::new(Fake(calls_tx.clone(), is_mute.clone())))
        });
        let speech = Speech::new(open, move |e| {
            let _ = errors_tx.send(e);
        });
        (
            speech,
            Recorder {
                calls,
                errors,
                down,
                mute,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::fake::{self, Call};
    use super::*;

    #[test]
    fn rates_map_from_the_settings_scale_to_each_engines() {
        let sd = Rates {
            min: -100.0,
            normal: 0.0,
            max: 100.0,
        };
        assert_eq!(sd.engine_rate(1.0), 0.0);
        assert_eq!(sd.engine_rate(2.0), 100.0);
        assert_eq!(sd.engine_rate(0.5), -100.0);
        assert_eq!(sd.engine_rate(1.5), 50.0);
        assert_eq!(sd.engine_rate(0.75), -50.0);
        assert_eq!(sd.engine_rate(9.0), 100.0);
        assert_eq!(sd.engine_rate(f32::NAN), 0.0);
        let winrt = Rates {
            min: 0.5,
            normal: 1.0,
            max: 6.0,
        };
        assert_eq!(winrt.engine_rate(1.0), 1.0);
        assert_eq!(winrt.engine_rate(2.0), 2.0);
        assert_eq!(winrt.engine_rate(0.5), 0.5);
        let av = Rates {
            min: 0.1,
            normal: 0.5,
            max: 2.0,
        };
        assert_eq!(av.engine_rate(1.5), 0.75);
    }

    #[test]
    fn lines_interrupt_with_the_chosen_voice_and_rate_and_the_engine_opens_on_first_use() {
        let (mut speech, rec) = fake::speech();
        // Configuring (read-aloud was switched on) opens the engine and sets it up at once.
        speech.configure("Microsoft Huihui", 1.5);
        speech.say("今天天气真好啊。");
        assert_eq!(rec.next(), Call::Open);
        assert_eq!(rec.next(), Call::SetVoice("HKLM\\Voices\\Huihui".into()));
        assert_eq!(rec.next(), Call::SetRate(50.0));
        assert_eq!(
            rec.next(),
            Call::Speak {
                text: "今天天气真好啊。".into(),
                interrupt: true
            }
        );
        // A voice by the system's id, case aside; the same settings again send nothing.
        speech.configure("hklm\\voices\\haruka", 0.5);
        speech.configure("hklm\\voices\\haruka", 0.5);
        assert_eq!(rec.next(), Call::SetVoice("HKLM\\Voices\\Haruka".into()));
        assert_eq!(rec.next(), Call::SetRate(-100.0));
        speech.say("   ");
        speech.stop();
        assert_eq!(rec.next(), Call::Stop);
        // Back to the default voice: a new engine, with the rate only.
        speech.configure("", 1.0);
        assert_eq!(rec.next(), Call::Retire);
        speech.say("駅の前で待っているよ。");
        assert_eq!(rec.next(), Call::Open);
        assert_eq!(rec.next(), Call::SetRate(0.0));
        assert!(matches!(
            rec.next(),
            Call::Speak {
                interrupt: true,
                ..
            }
        ));
        assert!(rec.errors.try_recv().is_err());
        drop(speech);
        assert_eq!(rec.next(), Call::Retire);
    }

    #[test]
    fn no_speech_service_and_an_unknown_voice_are_said_once_in_the_ui_language() {
        let (mut speech, rec) = fake::speech();
        *rec.down.lock().unwrap() = true;
        speech.say("一行目");
        let e = rec.error();
        assert!(matches!(e, SpeechError::Unavailable(_)), "{e:?}");
        let en = e.text().render("en");
        assert!(en.contains("speech-dispatcher"), "{en}");
        assert!(e.text().render("zh").contains("朗读"));
        // The same failure is not repeated for every line; the voice list says it too.
        speech.say("二行目");
        let (tx, voices) = mpsc::channel();
        speech.voices(Box::new(move |r| {
            let _ = tx.send(r);
        }));
        let answer = voices
            .recv_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        assert!(matches!(answer, Err(SpeechError::Unavailable(_))));
        assert!(rec.errors.try_recv().is_err());

        // The service is back; a voice that is not installed is said, and the default voice reads.
        *rec.down.lock().unwrap() = false;
        speech.configure("Kyoko", 1.0);
        speech.say("三行目");
        assert_eq!(rec.next(), Call::Open);
        let e = rec.error();
        assert_eq!(e, SpeechError::VoiceMissing("Kyoko".into()));
        assert!(e.text().render("en").contains("Kyoko"));
        assert_eq!(rec.next(), Call::SetRate(0.0));
        assert!(matches!(rec.next(), Call::Speak { .. }));
        let (tx, voices) = mpsc::channel();
        speech.voices(Box::new(move |r| {
            let _ = tx.send(r);
        }));
        let list = voices
            .recv_timeout(std::time::Duration::from_secs(5))
            .unwrap()
            .unwrap();
        assert_eq!(list[0].language, "ja-JP");
        assert_eq!(list[1].name, "Microsoft Huihui");

        // The service goes away while open: said, and the engine is opened again for the next line.
        *rec.mute.lock().unwrap() = true;
        speech.say("四行目");
        assert_eq!(rec.error(), SpeechError::Failed("connection lost".into()));
        assert_eq!(rec.next(), Call::Retire);
        *rec.mute.lock().unwrap() = false;
        speech.say("五行目");
        assert_eq!(rec.next(), Call::Open);
        assert_eq!(rec.next(), Call::SetRate(0.0));
        assert!(matches!(rec.next(), Call::Speak { .. }));
    }
}
