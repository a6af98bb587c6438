//! Read-aloud through the real speech crate: on Linux, ocrlay's `TtsEngine` (the `tts` crate over libspeechd)
//! connects to a speech-dispatcher that libspeechd starts itself, lists espeak-ng's voices, sets a voice by
//! name and a mapped rate, speaks a line with interrupt, and the line is spoken to its end (speech-dispatcher's
//! END event, through the crate's callback); then the same through ocrlay's `Speech` worker thread, with a
//! Japanese voice by name and a voice that is not installed.
//!
//! A machine without sound hardware (CI, this sandbox) has no PulseAudio or ALSA device, so the test gives the
//! speech-dispatcher it starts a private configuration: the system's, with libao as the audio output and
//! libao's `null` driver (`~/.libao` under a private HOME). espeak-ng really synthesises the samples; they go
//! nowhere. Nothing of the user's session is touched: the runtime, config and home directories are temporary.
//!
//! Skipped (with a note) where speech-dispatcher or its espeak-ng module is not installed, unless
//! `OCRLAY_REQUIRE_SPEECH=1`, which makes a missing one a failure (CI installs them with scripts/setup.sh).

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
mod linux {
    use super::common::KillByPidFile;
    use ocrlay::speech::{Engine, Speech, SpeechError, TtsEngine};
    use std::path::Path;
    use std::sync::mpsc;
    use std::time::Duration;

    const MODULE: &str = "/usr/lib/speech-dispatcher-modules/sd_espeak-ng";
    const SYSTEM_CONFIG: &str = "/etc/speech-dispatcher";

    fn on_path(program: &str) -> bool {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    #[test]
    fn espeak_ng_speaks_a_line_to_its_end_through_speech_dispatcher() {
        let required = std::env::var("OCRLAY_REQUIRE_SPEECH").is_ok_and(|v| v == "1");
        let installed = on_path("speech-dispatcher")
            && Path::new(MODULE).is_file()
            && Path::new(SYSTEM_CONFIG).join("speechd.conf").is_file();
        if !installed {
            assert!(
                !required,
                "OCRLAY_REQUIRE_SPEECH=1 but speech-dispatcher, its espeak-ng module or {SYSTEM_CONFIG} is \
                 missing: run scripts/setup.sh"
            );
            eprintln!("speech-dispatcher with espeak-ng is not installed: skipped");
            return;
        }

        // A private speech-dispatcher: its socket, config and libao's config in a temporary directory.
        let dir = tempfile::tempdir().unwrap();
        let (run, config, home) = (
            dir.path().join("run"),
            dir.path().join("config"),
            dir.path().join("home"),
        );
        for d in [&run, &home] {
            std::fs::create_dir_all(d).unwrap();
        }
        let speechd = config.join("speech-dispatcher");
        copy_dir(Path::new(SYSTEM_CONFIG), &speechd);
        let conf = std::fs::read_to_string(speechd.join("speechd.conf")).unwrap();
        let mut conf: String = conf
            .lines()
            .filter(|l| {
                let l = l.trim_start();
                !l.starts_with("LogLevel") && !l.starts_with("AudioOutputMethod")
            })
            .map(|l| format!("{l}\n"))
            .collect();
        // Level 5 logs the audio samples handed to the output: the proof that espeak-ng spoke.
        conf.push_str("LogLevel 5\nAudioOutputMethod \"libao\"\nDefaultModule espeak-ng\n");
        std::fs::write(speechd.join("speechd.conf"), conf).unwrap();
        std::fs::write(home.join(".libao"), "default_driver=null\n").unwrap();
        // The only test of this binary: nothing else reads the environment meanwhile. libspeechd starts
        // speech-dispatcher with these (its socket under XDG_RUNTIME_DIR, its config under XDG_CONFIG_HOME).
        std::env::set_var("XDG_RUNTIME_DIR", &run);
        std::env::set_var("XDG_CONFIG_HOME", &config);
        std::env::set_var("HOME", &home);
        std::env::remove_var("SPEECHD_ADDRESS");
        // Ends the speech-dispatcher libspeechd starts (by the pid it writes), also when the test fails.
        let _daemon = KillByPidFile(run.join("speech-dispatcher/pid/speech-dispatcher.pid"));

        let mut engine =
            TtsEngine::connect().expect("libspeechd starts and reaches speech-dispatcher");
        let voices = engine.voices().expect("a voice list");
        eprintln!("speech-dispatcher lists {} voices", voices.len());
        let voice = voices
            .iter()
            .find(|v| v.language == "en-GB" || v.language.starts_with("en"))
            .or(voices.first())
            .expect("espeak-ng offers voices")
            .clone();
        assert!(
            voices.iter().any(|v| v.language.starts_with("ja")),
            "espeak-ng has a Japanese voice"
        );
        engine.set_voice(&voice).expect("the voice is set by name");
        let rates = engine
            .rates()
            .expect("speech-dispatcher can change the rate");
        assert_eq!((rates.min, rates.normal, rates.max), (-100.0, 0.0, 100.0));
        engine
            .set_rate(rates.engine_rate(1.5))
            .expect("the rate is set");

        let (spoken_tx, spoken) = mpsc::channel();
        engine
            .on_spoken(move || {
                let _ = spoken_tx.send(());
            })
            .expect("speech-dispatcher reports the end of a line");
        engine
            .speak("The weather is nice today.", true)
            .expect("the line reaches speech-dispatcher");
        spoken
            .recv_timeout(Duration::from_secs(60))
            .expect("the line is spoken to its end within 60 s");

        // The same through ocrlay's worker thread, as the app reads a line: a Japanese voice by name, and a
        // voice that is not installed said (once) while the default voice reads.
        let (spoken_tx, spoken) = mpsc::channel();
        let (errors_tx, errors) = mpsc::channel();
        let open: ocrlay::speech::Opener = Box::new(move || {
            let engine = TtsEngine::connect()?;
            let tx = spoken_tx.clone();
            engine.on_spoken(move || {
                let _ = tx.send(());
            })?;
            Ok(Box::new(engine) as Box<dyn Engine>)
        });
        let mut speech = Speech::new(open, move |e| {
            let _ = errors_tx.send(e);
        });
        speech.configure("Japanese", 1.0);
        speech.say("今日はいい天気ですね。");
        spoken
            .recv_timeout(Duration::from_secs(60))
            .expect("the worker's line is spoken to its end within 60 s");
        assert!(errors.try_recv().is_err());
        speech.configure("No Such Voice", 0.5);
        speech.say("駅の前で待っているよ。");
        assert_eq!(
            errors.recv_timeout(Duration::from_secs(60)).unwrap(),
            SpeechError::VoiceMissing("No Such Voice".into())
        );
        spoken
            .recv_timeout(Duration::from_secs(60))
            .expect("the default voice reads the line");
        // The worker ends with the handle and retires its engine.
        drop(speech);

        let log = std::fs::read_to_string(run.join("speech-dispatcher/log/speech-dispatcher.log"))
            .unwrap_or_default();
        assert!(
            log.contains("samples to audio"),
            "speech-dispatcher's log shows no audio from espeak-ng:\n{}",
            log.lines().rev().take(40).collect::<Vec<_>>().join("\n")
        );
        // Not dropped: see TtsEngine::retire.
        Box::new(engine).retire();
    }
}
