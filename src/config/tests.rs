//! Tests of loading, validating and saving settings.

use super::*;
use crate::lang::Lang;
use crate::providers::{ApiKey, Proxy};
use crate::text::Text;

#[test]
fn defaults_without_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load(&dir.path().join("config.toml"));
    assert_eq!(loaded.state, FileState::Missing);
    assert!(loaded.warnings.is_empty());
    assert_eq!(loaded.settings, Settings::default());
    assert_eq!(loaded.settings.general.target, Lang::ChineseSimplified);
    assert_eq!(loaded.settings.hotkeys.select_region, "Alt+Q");
}

#[test]
fn round_trip_keeps_everything_and_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("config.toml");
    let mut s = Settings::default();
    s.general.source = Lang::English;
    s.network.proxy = "127.0.0.1:7890".parse().unwrap();
    s.network.read_timeout_secs = Some(600);
    s.translation.context_lines = 3;
    s.translation
        .glossary
        .push(crate::providers::prompt::GlossaryEntry {
            src: "アリス".into(),
            dst: "爱丽丝".into(),
            note: "女主角".into(),
        });
    s.providers.insert(
        "spark".into(),
        ProviderSettings {
            enabled: true,
            api_key: ApiKey::new("key:secret"),
            temperature: Some(0.5),
            proxy: "socks5://127.0.0.1:1080".parse().unwrap(),
            ..Default::default()
        },
    );
    s.providers.insert(
        "custom".into(),
        ProviderSettings {
            url: "https://relay.example".into(),
            model: "gpt-4o".into(),
            ..Default::default()
        },
    );
    save(&s, &path).unwrap();
    let loaded = load(&path);
    assert_eq!(loaded.state, FileState::Read);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.settings, s);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "config must be private, is {mode:o}");
    }
}

#[test]
fn a_bad_field_falls_back_alone() {
    let text = r#"
[general]
source = "en"
target = "auto"

[network]
proxy = "ftp://nope"
connect_timeout_secs = "ten"

[translation]
context_lines = 99
stream = false

[providers.deepseek]
enabled = true
api_key = "sk-1"
temperature = 7.0
model = "deepseek-chat"
colour = "red"

[providers.nosuch]
enabled = true

[weird]
x = 1
"#;
    let (s, w) = Settings::parse(text).unwrap();
    assert_eq!(s.general.source, Lang::English);
    assert_eq!(s.general.target, Lang::ChineseSimplified);
    assert_eq!(s.network.proxy, Proxy::System);
    assert_eq!(s.network.connect_timeout_secs, 10);
    assert_eq!(s.translation.context_lines, 0);
    assert!(!s.translation.stream);
    let ds = &s.providers["deepseek"];
    assert!(ds.enabled);
    assert_eq!(ds.temperature, None);
    assert_eq!(ds.model, "deepseek-chat");
    assert!(!s.providers.contains_key("nosuch"));
    let all = w
        .iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        "general.target: ",
        "network.proxy: 'ftp://nope' is not a usable proxy",
        "(found \"ftp://nope\"); left empty",
        "network.connect_timeout_secs: invalid type: string \"ten\", expected u64 (found \"ten\"); using 10 instead",
        "translation.context_lines: Must be between 0 and 20; using 0 instead",
        "providers.deepseek.temperature: Must be between 0 and 2; left unset",
        "providers.deepseek.colour: Unknown setting 'colour'",
        "providers.nosuch: ",
        "weird: Unknown section; ignored",
    ] {
        assert!(
            all.contains(needle),
            "missing warning {needle:?} in:\n{all}"
        );
    }
    assert_eq!(w.len(), 8, "{all}");
}

#[test]
fn warnings_do_not_show_secrets() {
    let (_, w) = Settings::parse(
        "[network]\nproxy = \"gopher://user:hunter2@10.0.0.1:80\"\n[providers.openai]\napi_key = 5\n",
    )
    .unwrap();
    let all = w
        .iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!all.contains("hunter2"), "{all}");
    assert_eq!(w.len(), 2, "{all}");
}

#[test]
fn an_unreadable_file_is_kept_and_moved_aside_on_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let broken = "[general\nsource = \"ja\"\n[providers.deepseek]\napi_key = \"sk-precious\"\n";
    std::fs::write(&path, broken).unwrap();
    let loaded = load(&path);
    assert!(matches!(loaded.state, FileState::Unreadable(_)));
    assert!(
        loaded.warnings[0].to_string().contains("kept"),
        "{:?}",
        loaded.warnings
    );
    assert_eq!(loaded.settings, Settings::default());
    // Loading did not touch it.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    let saved = save(&loaded.settings, &path).unwrap();
    let aside = saved.moved_aside.expect("moved aside");
    assert_eq!(std::fs::read_to_string(aside).unwrap(), broken);
    assert_eq!(load(&path).state, FileState::Read);
}

#[test]
fn saving_over_a_good_file_keeps_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "[general]\nsource = \"en\"\n[future]\nthing = 1\n").unwrap();
    let loaded = load(&path);
    save(&loaded.settings, &path).unwrap();
    let bak = std::fs::read_to_string(dir.path().join("config.toml.bak")).unwrap();
    assert!(bak.contains("[future]"));
}

#[test]
fn a_settings_file_over_the_cap_is_not_parsed_and_is_moved_aside_on_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    // A glossary of valid TOML, past the cap: refused from its size, before any parsing.
    let mut big = String::from("[translation]\nglossary = [\n");
    while (big.len() as u64) <= crate::files::SETTINGS_MAX_BYTES {
        big.push_str("  { src = \"アドル\", dst = \"亚特鲁\", note = \"主人公\" },\n");
    }
    big.push_str("]\n");
    std::fs::write(&path, &big).unwrap();
    let loaded = load(&path);
    let FileState::Unreadable(why) = &loaded.state else {
        panic!("{:?}", loaded.state)
    };
    assert_eq!(why.key, "file.too_large");
    assert_eq!(loaded.warnings[0].message.key, "config.unreadable_file");
    assert_eq!(loaded.settings, Settings::default());
    let saved = save(&loaded.settings, &path).unwrap();
    let aside = saved.moved_aside.expect("moved aside");
    assert_eq!(std::fs::read_to_string(aside).unwrap(), big);
}

#[cfg(unix)]
#[test]
fn a_named_pipe_or_a_device_as_the_settings_file_is_neither_read_nor_saved_over() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    for path in [fifo.as_path(), Path::new("/dev/zero")] {
        // No writer opens the pipe: a load that opened it would wait for ever.
        let loaded = load(path);
        let FileState::Unreadable(why) = &loaded.state else {
            panic!("{:?}", loaded.state)
        };
        assert_eq!(why.key, "file.not_regular");
        assert_eq!(loaded.warnings[0].message.key, "config.not_a_file");
        assert!(matches!(
            save(&loaded.settings, path),
            Err(ConfigError::NotAFile { .. })
        ));
        assert!(!update(path, |s| s.translation.context_lines = 2).unwrap());
    }
    // Nothing was moved or made beside them.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["config.toml"]);
    assert!(crate::files::not_regular(&fifo).is_some());
    assert!(!Path::new("/dev/zero.toml.lock").exists());
}

#[test]
fn a_profile_file_over_the_cap_is_refused_with_its_size() {
    let mut toml = String::from("name = \"Big\"\nglossary = [\n");
    while (toml.len() as u64) <= crate::files::PROFILE_MAX_BYTES {
        toml.push_str("  { src = \"アドル\", dst = \"亚特鲁\" },\n");
    }
    toml.push_str("]\n");
    let e = Settings::default()
        .change_profiles(ProfileOp::Import { toml })
        .unwrap_err();
    assert_eq!(e.key, "err.profile_too_large");
    assert!(e.render("en").contains("4.0 MB"), "{}", e.render("en"));
}

#[test]
fn not_utf8_is_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    assert!(matches!(load(&path).state, FileState::Unreadable(_)));
}

#[test]
fn the_example_config_is_valid() {
    let text = include_str!("../../config.example.toml");
    let (s, w) = Settings::parse(text).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert!(s.providers["deepseek"].enabled);
    let ys = s.effective(Some("Ys VIII"));
    assert_eq!(ys.translation.glossary[0].dst, "亚特鲁");
    assert_eq!(ys.filters[0].replacement, "魔王");
    let menu = &s.regions.slots[1];
    assert!(menu.watch && !s.regions.slots[0].watch);
    assert_eq!(menu.overlay_mode, Some(OverlayMode::Over));
}

#[test]
fn endpoint_spec_merges_provider_and_global_settings() {
    let (s, w) = Settings::parse(
        r#"
[network]
proxy = "127.0.0.1:7890"
read_timeout_secs = 900
[providers.sakura-llama]
enabled = true
sakura_version = "0.9"
temperature = 0.2
"#,
    )
    .unwrap();
    assert!(w.is_empty(), "{w:?}");
    let info = crate::providers::find("sakura-llama").unwrap();
    let spec = s.endpoint_spec(info);
    assert_eq!(spec.sampling.temperature, Some(0.2));
    assert_eq!(spec.sampling.top_p, Some(0.3));
    assert_eq!(
        spec.sakura_version,
        crate::providers::prompt::SakuraVersion::V0_9
    );
    assert_eq!(spec.timeouts.read, Duration::from_secs(900));
    let ep = crate::providers::Endpoint::new(spec).unwrap();
    // The global proxy never applies to this machine's servers.
    assert_eq!(ep.proxy, Proxy::Direct);
    assert_eq!(s.enabled_providers()[0].id, "sakura-llama");
}

#[test]
fn hotkey_shapes() {
    assert!(check_hotkey("Alt+Q").is_ok());
    assert!(check_hotkey("Ctrl+Shift+F1").is_ok());
    assert!(check_hotkey("").is_ok());
    assert!(check_hotkey("Hyper+Q").is_err());
    assert!(check_hotkey("Alt+").is_err());
    assert_eq!(check_hotkey("  Alt + Shift + S "), Ok(()));
    // The rules the settings page shows as the user types.
    assert_eq!(
        check_hotkey("Q"),
        Err(Text::new("err.hotkey_needmod").with("key", "Q"))
    );
    assert!(check_hotkey("F7").is_ok());
    assert_eq!(check_hotkey("Alt+Ctrl"), Err(Text::new("err.hotkey_nokey")));
    assert_eq!(
        check_hotkey("Hyper+Q"),
        Err(Text::new("err.hotkey_mod").with("mod", "Hyper"))
    );
    // global-hotkey's own parser has the last word.
    let e = check_hotkey("Alt+NoSuchKey").unwrap_err();
    assert_eq!(e.key, "hotkey.err_invalid");
    // A clash names the action that has the keys first; the same keys in another order clash too.
    let problems = hotkey_problems([
        ("select_region", "Ctrl+Alt+T"),
        ("repeat_last", "Alt+Q"),
        ("toggle_overlay", "alt+ctrl+t"),
        ("toggle_auto", "Alt+"),
    ]);
    assert_eq!(
        problems,
        [
            (
                "toggle_overlay",
                Text::new("err.hotkey_dup").with_text("other", Text::new("hotkey.select_region"))
            ),
            ("toggle_auto", Text::new("err.hotkey_nokey")),
        ]
    );
    assert_eq!(
        problems[0].1.render("en"),
        "Same hotkey as \"Select a region and translate\""
    );
}

#[test]
fn persistent_mode_sections_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let mut s = Settings::default();
    s.auto.start_on_launch = true;
    s.auto.gates.fast_interval_ms = 150;
    s.auto.gates.text_threshold = 0.8;
    s.overlay.mode = OverlayMode::Over;
    s.regions.active = 2;
    s.regions.slots[2] = SavedRegion {
        name: "对话框".into(),
        rect: Some([100, 150, 1280, 240]),
        window: Some(WindowBinding {
            title: "Game — chapter 1".into(),
            app: "game.exe".into(),
            offset: [10, 300, 1280, 240],
        }),
        overlay_position: Some([100, 400]),
        direction: Some(crate::ocr::TextDirection::Vertical),
        watch: false,
        overlay_mode: None,
    };
    s.ocr.direction = crate::ocr::TextDirection::Horizontal;
    s.ocr.keep_furigana = true;
    s.memory.max_entries = 2000;
    s.filters.push(crate::filters::Rule {
        pattern: r"\s+".into(),
        replacement: " ".into(),
        regex: true,
        ..Default::default()
    });
    s.filters.push(crate::filters::Rule {
        pattern: "アリス".into(),
        replacement: "爱丽丝".into(),
        stage: crate::filters::Stage::AfterTranslation,
        enabled: false,
        ..Default::default()
    });
    save(&s, &path).unwrap();
    let loaded = load(&path);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.settings, s);
    assert_eq!(loaded.settings.regions.current().name, "对话框");
}

#[test]
fn bad_persistent_fields_fall_back_with_a_warning() {
    let text = r#"
[auto]
fast_interval_ms = 1
text_threshold = 0.95
[regions]
active = 9
slots = [{ name = "a", rect = [0, 0, 1, 1] }, { name = "b", rect = [5, 5, 300, 80] }, "nonsense"]
[memory]
max_entries = 3
[[filters]]
pattern = "(unclosed"
regex = true
[[filters]]
pattern = 5
"#;
    let (s, w) = Settings::parse(text).unwrap();
    let fields: Vec<&str> = w.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(s.auto.gates.fast_interval_ms, 100, "{fields:?}");
    assert_eq!(s.auto.gates.text_threshold, 0.95);
    assert_eq!(s.regions.active, 0);
    assert_eq!(s.regions.slots.len(), REGION_SLOTS);
    assert_eq!(s.regions.slots[0].rect, None, "a 1×1 region is emptied");
    assert_eq!(s.regions.slots[1].rect, Some([5, 5, 300, 80]));
    assert_eq!(s.regions.slots[2].rect, None);
    assert_eq!(s.memory.max_entries, 50_000);
    // The broken regex is kept (so the user can mend it) but reported; the rule of the wrong type is dropped.
    assert_eq!(s.filters.len(), 1);
    assert_eq!(s.filters[0].pattern, "(unclosed");
    // Each warning names its field as the settings page does, and what is used instead, as data.
    assert_eq!(
        fields,
        [
            "auto.fast_interval_ms",
            "regions.active",
            "regions.slots.0",
            "regions.slots.2",
            "memory.max_entries",
            "filters.0.pattern",
            "filters.1",
        ]
    );
    assert_eq!(w[0].fallback, Fallback::Value(serde_json::json!(100)));
    assert_eq!(w[1].fallback, Fallback::Value(serde_json::json!(0)));
    assert_eq!(w[2].fallback, Fallback::Ignored);
    assert_eq!(w[2].message.to_string(), "The region is too small (1×1)");
    assert_eq!(w[4].fallback, Fallback::Value(serde_json::json!(50_000)));
    assert_eq!(w[5].fallback, Fallback::Ignored);
    assert!(w[5].message.to_string().contains("unclosed group"), "{w:?}");
    assert_eq!(
        w[0].to_string(),
        "auto.fast_interval_ms: Must be between 20 and 5000 (found 1); using 100 instead"
    );
    assert_eq!(
        serde_json::to_value(&w[0]).unwrap(),
        serde_json::json!({"field": "auto.fast_interval_ms",
                           "message": {"key": "err.range_found", "params": {"min": "20", "max": "5000", "found": "1"}},
                           "fallback": {"value": 100}})
    );
    assert_eq!(
        serde_json::to_value(&w[2]).unwrap()["fallback"],
        serde_json::json!("ignored")
    );
}

#[test]
fn concurrent_updates_are_never_lost() {
    // Two writers (two ocrlay processes, or the app and its settings page) change different fields of one
    // file at the same time: every change of both is in the file at the end.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    save(&Settings::default(), &path).unwrap();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                for i in 0..25u32 {
                    update(&path, |s| {
                        if w == 0 {
                            s.overlay.width = 300 + i;
                        } else {
                            s.translation.context_lines = i % 10;
                            s.general.setup_done = true;
                        }
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for t in writers {
        t.join().unwrap();
    }
    let end = load(&path).settings;
    assert_eq!(end.overlay.width, 324);
    assert_eq!(end.translation.context_lines, 4);
    assert!(end.general.setup_done);
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_unreadable_file_is_not_updated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "this is [not toml").unwrap();
    assert!(!update(&path, |s| s.general.setup_done = true).unwrap());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "this is [not toml");
}

#[test]
fn korean_cannot_be_the_language_read() {
    let (s, warnings) = Settings::from_table(
        &toml::from_str("[general]\nsource = \"ko\"\ntarget = \"ko\"\n[ocr]\nlanguage = \"ko\"\n")
            .unwrap(),
    );
    // Read: back to the defaults, and said why; translated into: fine.
    assert_eq!(s.general.source, crate::lang::Lang::Japanese);
    assert_eq!(s.ocr.language, crate::lang::Lang::Auto);
    assert_eq!(s.general.target, crate::lang::Lang::Korean);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].to_string().contains("cannot read Korean"),
        "{}",
        warnings[0]
    );
}

#[test]
fn profiles_name_what_is_a_games_own_and_the_rest_is_the_default() {
    let (s, w) = Settings::parse(
        r#"
[translation]
custom_prompt = "global"
glossary = [{ src = "勇者", dst = "勇者" }]
[providers.deepseek]
enabled = true
api_key = "sk-global"
[regions]
slots = [{ name = "Dialogue", rect = [0, 600, 1280, 200] }]

[[profiles]]
name = "Ys VIII"
game = { title = "Ys VIII", app = "ys8.exe" }
source = "ja"
direction = "vertical"
providers = ["sakura-llama"]
glossary = [{ src = "アドル", dst = "亚特鲁" }]
[[profiles.filters]]
pattern = "魔土"
replacement = "魔王"
[profiles.regions]
slots = [{ name = "Names", rect = [10, 10, 200, 40], watch = true }]

[[profiles]]
name = "Ys VIII"

[[profiles]]
name = "Bad fields"
direction = "diagonal"
source = "ko"
colour = "red"

[[profiles]]
game = { title = "no name" }
"#,
    )
    .unwrap();
    let fields: Vec<&str> = w.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "profiles.1.name",
            "profiles.2.colour",
            "profiles.2.source",
            "profiles.2.direction",
            "profiles.3.name"
        ],
        "{w:?}"
    );
    assert_eq!(s.profiles.len(), 2);
    let bad = s.profile("Bad fields").unwrap();
    assert_eq!((bad.direction, bad.source), (None, None));

    let ys = s.effective(Some("Ys VIII"));
    assert_eq!(ys.ocr.direction, crate::ocr::TextDirection::Vertical);
    assert_eq!(ys.translation.glossary[0].dst, "亚特鲁");
    // Not named by the profile: the default's.
    assert_eq!(ys.translation.custom_prompt, "global");
    assert_eq!(ys.regions.slots[0].name, "Names");
    assert!(ys.regions.slots[0].watch);
    assert_eq!(ys.filters[0].replacement, "魔王");
    // Its providers are the ones that translate; their keys stay the default's.
    let enabled: Vec<&str> = ys.enabled_providers().iter().map(|p| p.id).collect();
    assert_eq!(enabled, ["sakura-llama"]);
    assert!(!ys.providers["deepseek"].enabled);
    assert_eq!(s.effective(None), s);
    assert_eq!(s.effective(Some("gone")), s);
    let ys8 = crate::capture::WindowInfo {
        id: 1,
        title: "Ys VIII: Lacrimosa of DANA".into(),
        app: "YS8.EXE".into(),
        rect: crate::capture::Rect::default(),
    };
    assert_eq!(s.profile_for(&ys8).unwrap().name, "Ys VIII");
    let other = crate::capture::WindowInfo {
        app: "notepad.exe".into(),
        ..ys8.clone()
    };
    assert!(s.profile_for(&other).is_none());

    // Written and read back unchanged.
    let (again, w) = Settings::parse(&s.to_toml().unwrap()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(again.profiles, s.profiles);
}

#[test]
fn what_changes_under_a_profile_is_kept_in_that_profile() {
    let (mut s, _) = Settings::parse(
        r#"
[regions]
slots = [{ name = "Dialogue", rect = [0, 600, 1280, 200] }]
[[profiles]]
name = "Game"
"#,
    )
    .unwrap();
    let mut now = s.effective(Some("Game"));
    // Nothing changed: the profile stays empty.
    s.keep_changes(Some("Game"), &now);
    assert_eq!(s.profile("Game").unwrap().regions, None);
    now.regions.slots[0].rect = Some([5, 5, 300, 60]);
    now.filters.push(crate::filters::Rule {
        pattern: "x".into(),
        ..Default::default()
    });
    s.keep_changes(Some("Game"), &now);
    let p = s.profile("Game").unwrap();
    assert_eq!(
        p.regions.as_ref().unwrap().slots[0].rect,
        Some([5, 5, 300, 60])
    );
    assert_eq!(p.filters.as_ref().unwrap().len(), 1);
    // The default is untouched.
    assert_eq!(s.regions.slots[0].rect, Some([0, 600, 1280, 200]));
    assert!(s.filters.is_empty());
    // Without a profile the changes go to the default.
    s.filters_for(None).push(crate::filters::Rule {
        pattern: "y".into(),
        ..Default::default()
    });
    assert_eq!(s.filters.len(), 1);
}

#[test]
fn profiles_are_created_copied_renamed_bound_deleted_and_shared_as_files() {
    use crate::config::{GameMatch, ProfileOp};
    let (s, _) = Settings::parse(
        r#"
[translation]
glossary = [{ src = "勇者", dst = "勇者" }]
[[profiles]]
name = "Ys VIII"
game = { app = "ys8.exe" }
source = "ja"
glossary = [{ src = "アドル", dst = "亚特鲁" }]
"#,
    )
    .unwrap();
    let op = |s: &Settings, op: ProfileOp| s.change_profiles(op);
    // A name is required, unique and short.
    let refused = |r: Result<crate::config::ProfileChange, crate::text::Text>| r.unwrap_err().key;
    assert_eq!(
        refused(op(&s, ProfileOp::New { name: "  ".into() })),
        "err.required"
    );
    assert_eq!(
        refused(op(
            &s,
            ProfileOp::New {
                name: " Ys VIII ".into()
            }
        )),
        "config.profile_dup"
    );
    assert_eq!(
        refused(op(
            &s,
            ProfileOp::New {
                name: "x".repeat(61)
            }
        )),
        "err.name_long"
    );
    assert_eq!(
        refused(op(
            &s,
            ProfileOp::Delete {
                name: "Nope".into()
            }
        )),
        "err.profile_gone"
    );
    // New: nothing of its own.
    let c = op(
        &s,
        ProfileOp::New {
            name: " Trails ".into(),
        },
    )
    .unwrap();
    assert_eq!(c.name, "Trails");
    let s = c.settings;
    assert_eq!(
        s.profile("Trails").unwrap(),
        &Profile {
            name: "Trails".into(),
            ..Profile::default()
        }
    );
    // Duplicate: everything but the game (two profiles of one game would clash).
    let s = op(
        &s,
        ProfileOp::Duplicate {
            name: "Ys VIII".into(),
            to: "Ys VIII (2)".into(),
        },
    )
    .unwrap()
    .settings;
    let copy = s.profile("Ys VIII (2)").unwrap();
    assert_eq!(copy.glossary, s.profile("Ys VIII").unwrap().glossary);
    assert_eq!(copy.game, None);
    // Rename: to its own name (trimmed) is fine, to another's is not.
    assert!(op(
        &s,
        ProfileOp::Rename {
            name: "Trails".into(),
            to: "Trails ".into()
        }
    )
    .is_ok());
    assert_eq!(
        refused(op(
            &s,
            ProfileOp::Rename {
                name: "Trails".into(),
                to: "Ys VIII".into()
            }
        )),
        "config.profile_dup"
    );
    let s = op(
        &s,
        ProfileOp::Rename {
            name: "Trails".into(),
            to: "Sen".into(),
        },
    )
    .unwrap()
    .settings;
    // Bind and unbind; an empty match is no binding.
    let game = GameMatch {
        title: "Sen no Kiseki".into(),
        app: String::new(),
    };
    let s = op(
        &s,
        ProfileOp::Bind {
            name: "Sen".into(),
            game: Some(game.clone()),
        },
    )
    .unwrap()
    .settings;
    assert_eq!(s.profile("Sen").unwrap().game, Some(game));
    let s2 = op(
        &s,
        ProfileOp::Bind {
            name: "Sen".into(),
            game: Some(GameMatch::default()),
        },
    )
    .unwrap()
    .settings;
    assert_eq!(s2.profile("Sen").unwrap().game, None);
    // Delete.
    let s = op(
        &s,
        ProfileOp::Delete {
            name: "Ys VIII (2)".into(),
        },
    )
    .unwrap()
    .settings;
    let names: Vec<&str> = s.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ys VIII", "Sen"]);

    // Export → import: the same profile, under a name of its own when the name is taken; no keys in it.
    let ys = s.profile("Ys VIII").unwrap();
    assert_eq!(ys.file_name(), "ocrlay-profile-Ys VIII.toml");
    assert_eq!(
        Profile {
            name: "a/b:c?".into(),
            ..Profile::default()
        }
        .file_name(),
        "ocrlay-profile-a_b_c_.toml"
    );
    let file = ys.to_toml().unwrap();
    assert!(!file.contains("api_key"), "{file}");
    let c = op(&s, ProfileOp::Import { toml: file.clone() }).unwrap();
    assert_eq!(c.name, "Ys VIII (2)");
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let imported = c.settings.profile("Ys VIII (2)").unwrap();
    assert_eq!(
        Profile {
            name: "Ys VIII".into(),
            ..imported.clone()
        },
        ys.clone()
    );
    // A file that is not TOML, or has no name, is refused; a bad field is left out and reported.
    assert_eq!(
        refused(op(
            &s,
            ProfileOp::Import {
                toml: "name = ".into()
            }
        )),
        "err.profile_file"
    );
    assert_eq!(
        refused(op(
            &s,
            ProfileOp::Import {
                toml: "source = \"ja\"".into()
            }
        )),
        "err.required"
    );
    let c = op(
        &s,
        ProfileOp::Import {
            toml: "name = \"Other\"\ndirection = \"diagonal\"".into(),
        },
    )
    .unwrap();
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(c.warnings[0].field, "profile.direction");
    assert_eq!(c.settings.profile("Other").unwrap().direction, None);
}

#[test]
fn a_profile_edit_changes_that_profile_only() {
    let (s, _) = Settings::parse(
        r#"
[general]
source = "ja"
[translation]
custom_prompt = "global"
glossary = [{ src = "勇者", dst = "勇者" }]
[providers.deepseek]
enabled = true
api_key = "sk-global"
[[profiles]]
name = "Game"
custom_prompt = "the game's"
"#,
    )
    .unwrap();
    // The form showed the profile's settings in effect; the user changed its glossary, switched a provider
    // on, and (the page would not let them) the shared network timeout.
    let mut edited = s.effective(Some("Game"));
    edited
        .translation
        .glossary
        .push(crate::providers::prompt::GlossaryEntry {
            src: "アドル".into(),
            dst: "亚特鲁".into(),
            ..Default::default()
        });
    edited.network.connect_timeout_secs = 7;
    let mut qwen = edited.provider("qwen");
    qwen.enabled = true;
    edited.providers.insert("qwen".into(), qwen);
    // A page that does not say what is the profile's own: what differs from the global settings is.
    let new = s.with_profile_edit("Game", &edited, None);
    let p = new.profile("Game").unwrap();
    assert_eq!(p.custom_prompt.as_deref(), Some("the game's"));
    assert_eq!(p.glossary.as_ref().unwrap().len(), 2);
    assert_eq!(
        p.providers.as_deref(),
        Some(&["deepseek".to_string(), "qwen".to_string()][..])
    );
    assert_eq!(
        (p.source, p.target, p.filters.as_ref(), p.regions.as_ref()),
        (None, None, None, None)
    );
    // The global settings, shared fields among them, are as they were.
    let global = |x: &Settings| Settings {
        profiles: Vec::new(),
        ..x.clone()
    };
    assert_eq!(global(&new), global(&s));
    // The page says which fields are the profile's own: one the same as the global value stays its own, one
    // given back follows the global settings again.
    let mut back = new.effective(Some("Game"));
    back.translation.custom_prompt = "global".into();
    let own = [ProfileField::CustomPrompt, ProfileField::Target];
    let again = new.with_profile_edit("Game", &back, Some(&own));
    let p = again.profile("Game").unwrap();
    assert_eq!(p.custom_prompt.as_deref(), Some("global"));
    assert_eq!(p.target, Some(Lang::ChineseSimplified));
    assert_eq!((p.glossary.as_ref(), p.providers.as_ref()), (None, None));
    assert_eq!(global(&again), global(&s));
}

/// A value of `field` other than the one `s` has.
fn another_value(field: ProfileField, s: &mut Settings) {
    match field {
        ProfileField::Source => s.general.source = Lang::English,
        ProfileField::Target => s.general.target = Lang::English,
        ProfileField::Direction => s.ocr.direction = crate::ocr::TextDirection::Vertical,
        ProfileField::CaptureMethod => s.capture.method = crate::capture::Method::Wgc,
        ProfileField::CustomPrompt => s.translation.custom_prompt = "the game's prompt".into(),
        ProfileField::Providers => {
            let mut qwen = s.provider("qwen");
            qwen.enabled = true;
            s.providers.insert("qwen".into(), qwen);
        }
        ProfileField::Glossary => {
            s.translation
                .glossary
                .push(crate::providers::prompt::GlossaryEntry {
                    src: "アドル".into(),
                    dst: "亚特鲁".into(),
                    ..Default::default()
                })
        }
        ProfileField::Filters => s.filters.push(crate::filters::Rule {
            pattern: "♪".into(),
            ..Default::default()
        }),
        ProfileField::Regions => s.regions.slots[1].name = "Menu".into(),
    }
}

#[test]
fn each_field_a_profile_can_own_is_saved_into_the_profile_and_never_into_the_global_settings() {
    let (s, _) = Settings::parse(
        "[providers.deepseek]\nenabled = true\napi_key = \"sk-global\"\n[[profiles]]\nname = \"Game\"\n",
    )
    .unwrap();
    for field in ProfileField::ALL {
        // The form shows the profile's settings in effect (all the global settings'); one field is edited,
        // and the page says it is the profile's own now.
        let mut edited = s.effective(Some("Game"));
        another_value(field, &mut edited);
        assert!(!field.same(&edited, &s), "{field:?}: no change made");
        let new = s.with_profile_edit("Game", &edited, Some(&[field]));
        let p = new.profile("Game").unwrap();
        for f in ProfileField::ALL {
            assert_eq!(f.owned_by(p), f == field, "{field:?}: {f:?} owned");
        }
        // In effect under the profile: the new value; the global settings: unchanged, in that field and all.
        assert!(
            field.same(&new.effective(Some("Game")), &edited),
            "{field:?}"
        );
        assert!(
            field.same(&new, &s),
            "{field:?} reached the global settings"
        );
        assert_eq!(
            Settings {
                profiles: s.profiles.clone(),
                ..new.clone()
            },
            s,
            "{field:?}"
        );
        // And it is written to the file, and read back, as the profile's.
        let (back, w) = Settings::parse(&new.to_toml().unwrap()).unwrap();
        assert!(w.is_empty(), "{field:?}: {w:?}");
        assert_eq!(back.profiles, new.profiles, "{field:?}");
    }
}

#[test]
fn the_profile_fields_are_the_one_list_of_what_a_profile_owns() {
    // A profile that owns every field writes exactly the keys of the list (besides its name and game).
    let mut all = Settings::default();
    for f in ProfileField::ALL {
        another_value(f, &mut all);
    }
    let mut p = Profile {
        name: "Game".into(),
        ..Default::default()
    };
    for f in ProfileField::ALL {
        f.take(&mut p, &all);
        assert!(f.owned_by(&p), "{f:?}");
    }
    let table: toml::Table = toml::from_str(&toml::to_string(&p).unwrap()).unwrap();
    let mut keys: Vec<&str> = table.keys().map(String::as_str).collect();
    let mut listed: Vec<&str> = ProfileField::ALL.map(ProfileField::key).to_vec();
    listed.push("name");
    keys.sort_unstable();
    listed.sort_unstable();
    assert_eq!(keys, listed);
    // Every path names one field.
    for f in ProfileField::ALL {
        assert_eq!(ProfileField::from_path(f.path()), Some(f));
    }
    // A profile's own target language is in effect under it, and one that is "auto" is refused.
    let (s, w) = Settings::parse(
        "[general]\ntarget = \"zh-CN\"\n[[profiles]]\nname = \"EN\"\ntarget = \"en\"\n[[profiles]]\nname = \"Bad\"\ntarget = \"auto\"\n",
    )
    .unwrap();
    assert_eq!(s.effective(Some("EN")).general.target, Lang::English);
    assert_eq!(s.effective(None).general.target, Lang::ChineseSimplified);
    let fields: Vec<(&str, &str)> = w
        .iter()
        .map(|w| (w.field.as_str(), &*w.message.key))
        .collect();
    assert_eq!(fields, [("profiles.1.target", "err.target_auto")]);
    assert_eq!(s.profile("Bad").unwrap().target, None);
}

#[test]
fn read_aloud_settings_are_read_leniently() {
    let (s, w) = Settings::parse(
        "[output]\nspeak = \"translation\"\nvoice = \" Microsoft Huihui \"\nrate = 1.25\n",
    )
    .unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(s.output.speak, LinePart::Translation);
    assert_eq!(s.output.voice, "Microsoft Huihui");
    assert_eq!(s.output.rate, 1.25);
    // A rate out of its range and an unknown choice fall back alone, each with a warning.
    let (s, w) =
        Settings::parse("[output]\nspeak = \"loud\"\nrate = 3.0\nvoice = \"Kyoko\"\n").unwrap();
    let fields: Vec<&str> = w.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(fields, ["output.speak", "output.rate"]);
    assert_eq!(s.output.speak, LinePart::Off);
    assert_eq!(s.output.rate, 1.0);
    assert_eq!(s.output.voice, "Kyoko");
    assert_eq!(
        Settings::default().output.speak,
        LinePart::Off,
        "off by default"
    );
}

/// A settings file its owner made read-only is not saved over (the new file would be 0600: writable again);
/// it stays as it was, 0400, byte for byte, and the error says so. The folder ocrlay creates for the settings
/// is private. (As root the OS would let ocrlay write it: the refusal is ocrlay respecting the mark.)
#[cfg(unix)]
#[test]
fn a_read_only_settings_file_is_not_saved_over() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("made").join("config.toml");
    save(&Settings::default(), &path).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    let before = fs::read(&path).unwrap();
    let mut changed = Settings::default();
    changed.translation.context_lines = 5;
    let err = save(&changed, &path).unwrap_err();
    assert!(
        matches!(&err, ConfigError::ReadOnly { path: p } if *p == path),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(mode(&path), 0o400);
    assert!(fs::read(&path).unwrap() == before);
    assert!(matches!(
        update(&path, |s| s.translation.context_lines = 6),
        Err(ConfigError::ReadOnly { .. })
    ));
    assert_eq!(mode(&path), 0o400);
}

#[test]
fn the_same_keys_for_two_actions_are_reported_when_the_file_is_read() {
    let (s, w) =
        Settings::parse("[hotkeys]\nselect_region = \"Alt+Q\"\nrepeat_last = \"Alt+Q\"\n").unwrap();
    assert_eq!(s.hotkeys.repeat_last, "Alt+Q");
    let dup: Vec<_> = w
        .iter()
        .filter(|w| w.field == "hotkeys.repeat_last")
        .collect();
    assert_eq!(dup.len(), 1, "{w:?}");
    assert_eq!(dup[0].message.key, "err.hotkey_dup");
    // The first of the two keeps its keys, and is not reported.
    assert!(
        !w.iter().any(|w| w.field == "hotkeys.select_region"),
        "{w:?}"
    );
}

#[test]
fn the_capture_method_is_read_globally_and_per_profile() {
    use crate::capture::Method;
    let (s, w) = Settings::parse(
        "[capture]\nmethod = \"gdi\"\n\n[[profiles]]\nname = \"Ys\"\ncapture_method = \"wgc\"\n\n\
         [[profiles]]\nname = \"Other\"\n",
    )
    .unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(s.capture.method, Method::Gdi);
    assert_eq!(s.effective(Some("Ys")).capture.method, Method::Wgc);
    assert_eq!(s.effective(Some("Other")).capture.method, Method::Gdi);
    // Written back as it was read.
    let (again, _) = Settings::parse(&s.to_toml().unwrap()).unwrap();
    assert_eq!(again, s);
    // A method ocrlay does not know is said and left to the default; so is a profile's.
    let (s, w) = Settings::parse(
        "[capture]\nmethod = \"dxgi\"\n\n[[profiles]]\nname = \"Ys\"\ncapture_method = 3\n",
    )
    .unwrap();
    assert_eq!(s.capture.method, Method::Auto);
    assert_eq!(s.effective(Some("Ys")).capture.method, Method::Auto);
    let fields: Vec<&str> = w.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(fields, ["capture.method", "profiles.0.capture_method"]);
}
