// Every string of ocrlay's pages and of the core's messages to them, in Chinese and English: the one table.
// The pages load it before i18n.js; the core reads this same file (src/text.rs, compiled in) to word what it
// sends to a page as a key and parameters, and what it says itself (CLI, log, window titles).
// Keep its shape: the line below assigns one JSON object (one entry per key, {"zh": …, "en": …}; {name} is a
// placeholder), and the file ends with the closing brace and a semicolon. Tests check both languages.
// Counts: a language may give a sentence one form per plural category, {"one": …, "other": …}; the count is
// always {n}, and the one rule (src/text.rs, i18n.js) is: English "one" for exactly 1, else "other"; Chinese
// has no plural forms.
window.ocrlayStrings = {
  "app.title": {"zh": "ocrlay 设置", "en": "ocrlay settings"},
  "app.subtitle": {"zh": "屏幕翻译", "en": "Screen translator"},

  "app.display_lost": {"zh": "ocrlay 与显示服务器 {display} 的连接断开了（X 服务器已关闭或桌面会话已结束），所以 ocrlay 退出。设置和已保存的区域不受影响：在桌面里重新启动 ocrlay 即可。", "en": "ocrlay lost its connection to the display {display} (the X server was closed or the desktop session ended), so it stops. Your settings and saved regions are kept: start ocrlay again from your desktop."},

  "status.no_region": {"zh": "还没有选择过区域：先按选择区域的热键。", "en": "No region yet: press the select-region hotkey first."},
  "status.reading": {"zh": "识别中…", "en": "Reading…"},
  "status.auto_off": {"zh": "自动翻译已停止", "en": "Auto mode off"},
  "status.auto_needs_region": {"zh": "自动翻译需要一个区域：先按选择区域的热键。", "en": "Auto mode needs a region: press the select-region hotkey first."},
  "status.auto_on": {"zh": "自动翻译中：{region}（新的一行出现时翻译）", "en": "Auto mode on: {region} (each new line is translated)"},
  "status.auto_on_many": {"zh": "自动翻译中：{regions}（每个区域出现新的一行时翻译）", "en": "Auto mode on: {regions} (each new line of each region is translated)"},
  "status.region": {"zh": "区域 {n}：{region}", "en": "Region {n}: {region}"},
  "status.region_unset": {"zh": "区域 {n}（{region}）还没有选择：按选择区域的热键。", "en": "Region {n} ({region}) is not set yet: press the select-region hotkey."},
  "status.region_unbound": {"zh": "新区域不在窗口“{window}”上：已取消绑定。", "en": "The new region is not on the window \"{window}\": the region is no longer bound to it."},
  "status.models_failed": {"zh": "OCR 模型无法加载：{reason}", "en": "The OCR models could not be loaded: {reason}"},
  "status.auto_problem": {"zh": "自动翻译：{reason}", "en": "Auto mode: {reason}"},
  "status.ocr_translating": {"zh": "OCR {ms} ms · {n} 行 · 翻译中…", "en": {"one": "OCR {ms} ms · {n} line · translating…", "other": "OCR {ms} ms · {n} lines · translating…"}},
  "status.ocr_done": {"zh": "OCR {ms} ms · {n} 行", "en": {"one": "OCR {ms} ms · {n} line", "other": "OCR {ms} ms · {n} lines"}},
  "status.text_cut": {"zh": " · 文字太长（{n} 字），只翻译前 {kept} 字", "en": " · the text was too long ({n} characters): only the first {kept} are translated"},
  "status.no_text": {"zh": "区域里没有识别到文字（OCR {ms} ms）", "en": "No text found in the region (OCR {ms} ms)"},
  "status.provider_disabled": {"zh": "这个翻译源已在设置里关闭。", "en": "This provider was turned off in the settings."},
  "status.auto_waiting": {"zh": "自动翻译中 · 等待下一行", "en": "Auto mode · waiting for the next line"},
  "status.done": {"zh": "完成 · 共 {ms} ms", "en": "Done · {ms} ms in all"},
  "status.no_provider_notice": {"zh": "没有启用翻译源，所以只显示识别出的原文。在设置里启用一个翻译源（填入密钥，或选择本地的 Sakura/ollama）即可翻译。", "en": "No translation provider is enabled, so only the recognised text is shown. Enable one in the settings (paste its key, or pick a local Sakura/ollama) to translate."},
  "status.no_provider": {"zh": "没有启用翻译源", "en": "No translation provider is enabled"},
  "status.provider_on": {"zh": "翻译源已启用：按 {hotkey} 重新识别并翻译", "en": "A translation provider is on now: press {hotkey} to read the region again"},
  "status.provider_on_plain": {"zh": "翻译源已启用：再次选择区域即可翻译", "en": "A translation provider is on now: select a region again to translate it"},
  "status.stopped": {"zh": "已停止", "en": "Stopped"},
  "status.profile": {"zh": "配置档：{name}", "en": "Profile: {name}"},
  "status.profile_default": {"zh": "默认配置档", "en": "Default profile"},
  "status.no_tray": {"zh": "这里没有托盘图标（{why}）：按 {hotkey}，或在终端运行 ocrlay settings，即可打开设置。", "en": "No tray icon here ({why}): press {hotkey}, or run “ocrlay settings” in a terminal, to open the settings."},
  "status.history_failed": {"zh": "历史窗口打不开：{reason}", "en": "The history window failed to open: {reason}"},
  "status.settings_failed": {"zh": "设置窗口打不开：{reason}", "en": "The settings window failed to open: {reason}"},
  "status.engine_after_restart": {"zh": "OCR 引擎设置已保存，重启 ocrlay 后生效。", "en": "The OCR engine setting applies after ocrlay restarts."},
  "status.ws_bind_failed": {"zh": "WebSocket 输出无法在 127.0.0.1:{port} 上监听（{reason}）：请在设置里换一个端口。", "en": "The WebSocket output cannot listen on 127.0.0.1:{port} ({reason}): choose another port in the settings."},
  "status.speech_unavailable": {"zh": "朗读无法开始：找不到系统的语音服务（{reason}）。在 Linux 上请安装 speech-dispatcher 和 espeak-ng。", "en": "Read-aloud cannot start: the system's speech service is not reachable ({reason}). On Linux, install speech-dispatcher and espeak-ng."},
  "status.speech_voice_missing": {"zh": "没有安装语音“{voice}”：朗读使用系统默认语音。", "en": "The voice “{voice}” is not installed: read-aloud uses the system's default voice."},
  "status.speech_failed": {"zh": "朗读失败：{reason}", "en": "Read-aloud failed: {reason}"},
  "status.webview2_missing": {"zh": "ocrlay 需要 Microsoft Edge WebView2 运行时来显示它的窗口，但这台电脑上没有找到。\n\n请从 {url} 下载并安装“常青版”(Evergreen) 运行时，然后重新启动 ocrlay。", "en": "ocrlay needs the Microsoft Edge WebView2 runtime to show its windows, and it is not installed on this PC.\n\nInstall the Evergreen runtime from {url}, then start ocrlay again."},

  "tray.translate": {"zh": "选择区域翻译", "en": "Translate a region"},
  "tray.repeat": {"zh": "再次翻译上个区域", "en": "Translate the last region again"},
  "tray.toggle_overlay": {"zh": "显示/隐藏翻译框", "en": "Show/hide the overlay"},
  "tray.toggle_lock": {"zh": "锁定/解锁翻译框（鼠标穿透）", "en": "Lock/unlock the overlay (click-through)"},
  "tray.toggle_auto": {"zh": "开始/停止自动翻译", "en": "Start/stop auto mode"},
  "tray.history": {"zh": "翻译历史…", "en": "History…"},
  "tray.settings": {"zh": "设置…", "en": "Settings…"},
  "tray.quit": {"zh": "退出", "en": "Quit"},
  "tray.no_host": {"zh": "这个桌面没有显示托盘图标的程序", "en": "nothing on this desktop shows tray icons"},
  "tray.no_dbus": {"zh": "没有 D-Bus 会话", "en": "no D-Bus session"},
  "tray.no_dbus_reason": {"zh": "没有 D-Bus 会话：{reason}", "en": "no D-Bus session: {reason}"},
  "tray.failed": {"zh": "托盘图标无法创建：{reason}", "en": "the tray icon could not be made: {reason}"},

  "common.save": {"zh": "保存", "en": "Save"},
  "common.saving": {"zh": "保存中…", "en": "Saving…"},
  "common.revert": {"zh": "还原", "en": "Revert"},
  "common.close": {"zh": "关闭", "en": "Close"},

  "unit.seconds": {"zh": "秒", "en": "s"},
  "unit.ms": {"zh": "毫秒", "en": "ms"},
  "unit.percent": {"zh": "%", "en": "%"},
  "unit.frames": {"zh": "帧", "en": "frames"},
  "unit.entries": {"zh": "条", "en": "entries"},

  "lang.auto": {"zh": "自动", "en": "Auto"},
  "lang.ja": {"zh": "日语", "en": "Japanese"},
  "lang.zh-CN": {"zh": "简体中文", "en": "Chinese (Simplified)"},
  "lang.zh-TW": {"zh": "繁体中文", "en": "Chinese (Traditional)"},
  "lang.en": {"zh": "英语", "en": "English"},
  "lang.ko": {"zh": "韩语", "en": "Korean"},

  "welcome.title": {"zh": "欢迎使用 ocrlay", "en": "Welcome to ocrlay"},
  "welcome.what": {
    "zh": "ocrlay 用这台电脑上的 OCR 识别屏幕上的文字（游戏、软件），交给你选择的翻译源翻译，译文显示在文字旁边的浮窗里。三步即可开始：",
    "en": "ocrlay reads the text on your screen (games, programs) with OCR on this computer and has the translation provider you pick translate it; the translation appears in an overlay beside the text. Three steps to start:"
  },
  "welcome.step1": {
    "zh": "在下面启用一个翻译源并粘贴它的密钥，或者选择本地的 Sakura（llama.cpp）/ ollama（不需要密钥），点“测试”。",
    "en": "Enable a provider below and paste its key, or pick a local Sakura (llama.cpp) / ollama (no key needed), then press Test."
  },
  "welcome.step2": {"zh": "测试通过后点“保存”。", "en": "When the test passes, press Save."},
  "welcome.step3": {
    "zh": "回到游戏，按 {hotkey}，拖动框住文字：译文会出现在旁边。之后随时可以按 {settings} 打开这里。",
    "en": "Back in the game, press {hotkey} and drag over the text: the translation appears beside it. {settings} brings you back here at any time."
  },
  "welcome.keys": {"zh": "获取密钥：", "en": "Get a key:"},

  "nav.providers": {"zh": "翻译源", "en": "Providers"},
  "nav.general": {"zh": "常规", "en": "General"},
  "nav.hotkeys": {"zh": "热键", "en": "Hotkeys"},
  "nav.overlay": {"zh": "外观", "en": "Overlay"},
  "nav.network": {"zh": "网络", "en": "Network"},
  "nav.auto": {"zh": "自动翻译", "en": "Auto mode"},
  "nav.regions": {"zh": "保存的区域", "en": "Saved regions"},
  "nav.filters": {"zh": "替换规则", "en": "Replacements"},
  "nav.memory": {"zh": "翻译记忆与历史", "en": "Memory & history"},
  "nav.profiles": {"zh": "游戏配置档", "en": "Game profiles"},

  "auto.intro": {
    "zh": "自动模式持续查看当前区域，文字变化时自动识别并翻译。用“开始 / 停止自动翻译”热键（默认 Alt+A）或托盘菜单开关。",
    "en": "Auto mode keeps watching the active region and translates whenever its text changes. Start and stop it with the \"Start / stop auto translation\" hotkey (Alt+A by default) or the tray menu."
  },
  "auto.start_on_launch": {"zh": "启动 ocrlay 时开启自动翻译", "en": "Start auto mode when ocrlay starts"},
  "auto.start_on_launch_hint": {
    "zh": "对当前区域生效（需要先保存过区域）。",
    "en": "For the active region (once a region has been saved)."
  },
  "auto.step_capture": {
    "zh": "按下面的间隔截取区域，只有画面真的变化了才继续。",
    "en": "The region is captured at the interval below; only a real change in the picture goes further."
  },
  "auto.step_wait": {
    "zh": "等画面稳定（文字显示完整）后再识别文字。",
    "en": "The text is read once the picture settles (the line has finished appearing)."
  },
  "auto.step_text": {
    "zh": "识别出的文字和上次翻译的几乎一样时不发送请求。",
    "en": "No request is sent when the text read is nearly the same as the text last translated."
  },
  "auto.gates": {"zh": "灵敏度与节奏", "en": "Sensitivity and timing"},
  "auto.gates_hint": {
    "zh": "默认值适合大多数游戏和视频字幕；只有出现漏翻或重复翻译时才需要调整。",
    "en": "The defaults suit most games and video subtitles; change them only when lines are missed or translated twice."
  },
  "auto.reset": {"zh": "恢复默认值", "en": "Reset to defaults"},
  "auto.advanced": {"zh": "高级", "en": "Advanced"},
  "auto.fast_interval_ms": {"zh": "截图间隔", "en": "Capture interval"},
  "auto.fast_interval_ms_hint": {
    "zh": "画面有变化时多久截一次图。越小反应越快，也越耗 CPU。默认 {default}（{min}–{max}）。",
    "en": "How often the region is captured while something changes. Smaller reacts faster and costs more CPU. Default {default} ({min}–{max})."
  },
  "auto.image_threshold": {"zh": "画面变化阈值", "en": "Picture change threshold"},
  "auto.image_threshold_hint": {
    "zh": "区域某处亮度变化超过这个比例才算“变了”。调低能发现很淡的变化，调高能忽略噪点和视频抖动。默认 {default}%（{min}–{max}）。",
    "en": "How much part of the region must brighten or darken to count as a change. Lower catches faint changes; higher ignores noise and video jitter. Default {default}% ({min}–{max})."
  },
  "auto.stable_frames": {"zh": "等待稳定", "en": "Wait until stable"},
  "auto.stable_frames_hint": {
    "zh": "变化后连续多少帧不变才识别，让逐字出现的文字显示完整。0 = 立即识别。默认 {default}（{min}–{max}）。",
    "en": "After a change, how many unchanged frames to wait for before reading, so text that types out is read whole. 0 reads at once. Default {default} ({min}–{max})."
  },
  "auto.text_threshold": {"zh": "文字相似度", "en": "Text similarity"},
  "auto.text_threshold_hint": {
    "zh": "识别结果与上次翻译的文字相似度达到这个值时不再翻译，识别抖动不会产生新请求。100% = 有任何差别都翻译。默认 {default}%（{min}–{max}）。",
    "en": "Text at least this similar to the text last translated is not sent again, so OCR jitter costs no request. 100% sends any difference. Default {default}% ({min}–{max})."
  },
  "auto.slow_interval_ms": {"zh": "静止时的截图间隔", "en": "Interval when still"},
  "auto.slow_interval_ms_hint": {
    "zh": "画面静止一段时间后改用的间隔，不能小于上面的截图间隔。默认 {default}（最多 {max}）。",
    "en": "The capture interval once the region has been still for a while; not shorter than the capture interval above. Default {default} (at most {max})."
  },
  "auto.slow_after_ms": {"zh": "多久算静止", "en": "Still after"},
  "auto.slow_after_ms_hint": {
    "zh": "画面静止这么久后改用静止时的间隔。默认 {default} 秒（{min}–{max}）。",
    "en": "How long the region must stay still before the slower interval is used. Default {default} s ({min}–{max})."
  },
  "auto.max_stable_wait_ms": {"zh": "最长等待", "en": "Longest wait"},
  "auto.max_stable_wait_ms_hint": {
    "zh": "画面一直不稳定（例如动态背景）时，最多等这么久就识别。默认 {default} 秒（{min}–{max}）。",
    "en": "When the region never settles (an animated background), read anyway after this long. Default {default} s ({min}–{max})."
  },
  "auto.animated_area": {"zh": "可忽略的动画面积", "en": "Ignored animation"},
  "auto.animated_area_hint": {
    "zh": "一直在动的小部分（如对话框里跳动的“下一页”箭头）最多占区域的这个比例时不会拖住识别。0 = 关闭。默认 {default}%（{min}–{max}）。",
    "en": "A small part that keeps moving (a bouncing \"next\" arrow in a dialogue box) does not hold up reading while it covers at most this share of the region. 0 turns this off. Default {default}% ({min}–{max})."
  },

  "regions.intro": {
    "zh": "最多保存 4 个区域，用 Alt+1…Alt+4 切换。“再次翻译”和自动翻译都使用当前区域；绑定到窗口后，区域会跟着窗口移动。",
    "en": "Save up to four regions and switch with Alt+1…Alt+4. \"Translate again\" and auto mode use the active region; a region bound to a window moves with it."
  },
  "regions.slot": {"zh": "区域 {n}", "en": "Region {n}"},
  "regions.active": {"zh": "当前", "en": "active"},
  "regions.make_active": {"zh": "设为当前区域", "en": "Make this the active region"},
  "regions.clear": {"zh": "清除", "en": "Clear"},
  "regions.clear_hint": {
    "zh": "清除这个区域的位置、窗口绑定和悬浮窗位置",
    "en": "Forget this region's rectangle, window binding and overlay position"
  },
  "regions.name": {"zh": "名称", "en": "Name"},
  "regions.area": {"zh": "位置", "en": "Rectangle"},
  "regions.window": {"zh": "窗口", "en": "Window"},
  "regions.rect": {"zh": "x {x}, y {y} · {w}×{h} 像素", "en": "x {x}, y {y} · {w}×{h} px"},
  "regions.no_rect": {
    "zh": "未设置 — 把这个区域设为当前区域后按 {key} 选择",
    "en": "Not set — select with {key} while this region is active"
  },
  "regions.no_rect_nokey": {
    "zh": "未设置 — 把这个区域设为当前区域后，从托盘菜单选择区域",
    "en": "Not set — select a region from the tray menu while this region is active"
  },
  "regions.untitled": {"zh": "（无标题）", "en": "(untitled)"},
  "regions.unbind": {"zh": "解除绑定", "en": "Unbind"},
  "regions.offset": {"zh": "窗口内 x {x}, y {y} · {w}×{h}", "en": "x {x}, y {y} · {w}×{h} inside the window"},
  "regions.not_bound": {"zh": "未绑定：区域固定在屏幕上。", "en": "Not bound: the region stays where it is on the screen."},
  "regions.bind": {"zh": "绑定到窗口…", "en": "Bind to window…"},
  "regions.refresh_windows": {"zh": "刷新窗口列表", "en": "Refresh the window list"},
  "regions.watch": {"zh": "自动翻译时也读取这个区域", "en": "Auto mode reads this region too"},
  "regions.watch_hint": {"zh": "即使它不是当前区域，也有自己的翻译框（例如名字框和对话框，或对话和任务日志）。", "en": "Even when it is not the active region, with an overlay of its own (a name box and a dialogue box, or dialogue and a quest log)."},
  "regions.overlay_mode": {"zh": "翻译框", "en": "Overlay"},
  "regions.default_choice": {"zh": "同总设置", "en": "As in the general settings"},
  "regions.direction": {"zh": "文字方向", "en": "Text direction"},
  "regions.listing": {"zh": "正在获取窗口列表…", "en": "Listing windows…"},
  "regions.no_windows": {"zh": "没有找到窗口", "en": "No windows found"},
  "regions.bind_under": {"zh": "区域下方的窗口：{title}", "en": "The window under this region: {title}"},

  "filters.intro": {
    "zh": "在翻译前修正识别出的原文，或在翻译后修改译文。规则按顺序依次应用。",
    "en": "Fix the recognised text before it is translated, or change the translation after. Rules apply in order."
  },
  "filters.rules": {"zh": "规则", "en": "Rules"},
  "filters.add": {"zh": "添加", "en": "Add"},
  "filters.hint": {
    "zh": "勾选“正则”时，查找内容是正则表达式（Rust regex 语法），替换内容里可以用 $1、${name} 引用分组，$$ 表示 $ 本身。",
    "en": "With \"Regex\" ticked the pattern is a regular expression (Rust regex syntax); $1 or ${name} in the replacement insert its groups and $$ is a dollar sign."
  },
  "filters.enabled": {"zh": "启用", "en": "On"},
  "filters.pattern": {"zh": "查找", "en": "Find"},
  "filters.pattern_ph": {"zh": "要查找的文字", "en": "text to find"},
  "filters.replacement": {"zh": "替换为", "en": "Replace with"},
  "filters.replacement_ph": {"zh": "留空 = 删除", "en": "empty = delete"},
  "filters.only_region": {"zh": "只用于区域“{region}”", "en": "Only in region “{region}”"},
  "filters.regex": {"zh": "正则", "en": "Regex"},
  "filters.stage": {"zh": "时机", "en": "When"},
  "filters.before": {"zh": "翻译前", "en": "Before"},
  "filters.after": {"zh": "翻译后", "en": "After"},
  "filters.up": {"zh": "上移", "en": "Move up"},
  "filters.down": {"zh": "下移", "en": "Move down"},
  "filters.remove": {"zh": "删除这条规则", "en": "Remove this rule"},
  "filters.empty": {"zh": "还没有规则。", "en": "No rules yet."},
  "filters.try": {"zh": "试一试", "en": "Try it"},
  "filters.try_ph": {
    "zh": "输入一段示例文字，查看所选时机的已启用规则的效果",
    "en": "Type some sample text to see what the enabled rules of the chosen stage do"
  },
  "filters.try_hint": {
    "zh": "结果会显示在这里：和翻译时一样，由 ocrlay 应用规则。",
    "en": "The result shows here: ocrlay applies the rules, as it does when translating."
  },
  "filters.try_same": {"zh": "没有规则匹配这段文字。", "en": "No rule matches this text."},
  "filters.try_skipped": {"zh": "第 {n} 条规则有错误，已跳过。", "en": "Rule {n} has an error and was skipped."},

  "memory.intro": {
    "zh": "翻译记忆让重复出现的句子直接使用之前的译文，不再发送请求；历史记录保存每一句原文和译文。",
    "en": "The translation memory answers a line seen before with its earlier translation, without a request; the history keeps every line and its translation."
  },
  "memory.cache": {"zh": "使用翻译记忆", "en": "Use the translation memory"},
  "memory.cache_hint": {
    "zh": "同一句话再次出现时立即显示之前的译文（不消耗额度）。在历史记录中修改过的译文会优先使用。",
    "en": "A line seen before shows its earlier translation at once (no quota used). Translations you corrected in the history come first."
  },
  "memory.history": {"zh": "保存历史记录", "en": "Keep a history"},
  "memory.history_hint": {
    "zh": "记录每一句原文、译文、翻译源和时间，可以搜索、修改和导出。",
    "en": "Every line, its translation, the provider and the time, to search, correct and export."
  },
  "memory.max_entries": {"zh": "最多记住", "en": "Remember at most"},
  "memory.max_entries_hint": {
    "zh": "超过后最久没用到的译文先被忘记；修改过的译文会保留。默认 {default}（{min}–{max}）。",
    "en": "Beyond this the translations used least recently are forgotten first; corrected ones stay. Default {default} ({min}–{max})."
  },
  "memory.history_title": {"zh": "历史记录", "en": "History"},
  "memory.open_history": {"zh": "打开历史记录", "en": "Open history"},
  "memory.open_history_hint": {
    "zh": "在单独的窗口中查看、搜索、修改和导出翻译过的句子。",
    "en": "See, search, correct and export translated lines in their own window."
  },

  "banner.title": {"zh": "配置文件中有些设置无法使用：", "en": "Some settings in the config file could not be used:"},

  "warn.line": {"zh": "{message}（{fallback}）", "en": "{message}; {fallback}"},
  "warn.using": {"zh": "已改用 {value}", "en": "using {value} instead"},
  "warn.unset": {"zh": "已改为不设置", "en": "left unset"},
  "warn.empty": {"zh": "已改为空", "en": "left empty"},
  "warn.defaults": {"zh": "已改用默认设置", "en": "using the defaults"},
  "warn.ignored": {"zh": "已忽略", "en": "ignored"},

  "footer.unsaved": {"zh": "有未保存的更改", "en": "Unsaved changes"},
  "footer.fix": {"zh": "有 {n} 处需要修改，未保存", "en": {"one": "{n} field needs fixing; nothing was saved", "other": "{n} fields need fixing; nothing was saved"}},
  "footer.refused": {"zh": "保存被拒绝：{n} 处设置有问题", "en": {"one": "Save refused: {n} setting has a problem", "other": "Save refused: {n} settings have problems"}},

  "toast.saved": {"zh": "设置已保存", "en": "Settings saved"},

  "providers.intro": {
    "zh": "开启一个或多个翻译源；多个同时开启时，悬浮窗会分别显示每个翻译源的译文。",
    "en": "Turn on one or more providers; with several on, the overlay shows each one's translation."
  },
  "providers.enable": {"zh": "启用", "en": "Enable"},
  "providers.enabled_n": {"zh": "已启用 {n}", "en": "{n} on"},
  "providers.enabled_by_test": {"zh": "测试通过，已自动启用（不想用可以关掉开关）。保存后生效。", "en": "Switched on because its test passed (switch it off if you do not want it). Save to keep it."},
  "providers.url": {"zh": "接口地址", "en": "API address"},
  "providers.default_url": {"zh": "默认：{url}", "en": "Default: {url}"},
  "providers.api_key": {"zh": "API 密钥", "en": "API key"},
  "providers.model": {"zh": "模型", "en": "Model"},
  "providers.model_ph": {"zh": "模型名称", "en": "Model name"},
  "providers.fetch_models": {"zh": "获取模型列表", "en": "Fetch models"},
  "providers.doubao_model": {
    "zh": "这里填写推理接入点 ID（ep-…），不是模型名称。",
    "en": "Enter the inference endpoint id (ep-…), not a model name."
  },
  "providers.sakura_model": {
    "zh": "llama.cpp 会忽略模型名称，可以留空。",
    "en": "llama.cpp ignores the model name; it can stay empty."
  },
  "providers.fetching": {"zh": "正在获取模型列表…", "en": "Fetching the model list…"},
  "providers.models_n": {"zh": "获取到 {n} 个模型", "en": {"one": "{n} model found", "other": "{n} models found"}},
  "providers.models_filled": {"zh": "已填入 {model}", "en": "{model} is filled in"},
  "providers.models_uses": {"zh": "模型栏为空，使用 {model}；可在下拉列表中选择", "en": "the field is empty, so {model} is used; pick another from the field's list"},
  "providers.models_pick": {"zh": "请在输入框的下拉列表中选择一个", "en": "pick one from the field's list"},
  "providers.model_from_server": {"zh": "服务器提供", "en": "from the server"},
  "providers.model_builtin": {"zh": "内置名称", "en": "built-in name"},
  "providers.proxy": {"zh": "代理", "en": "Proxy"},
  "providers.proxy_ph": {"zh": "留空 = 使用全局代理；none = 直连", "en": "Empty = the global proxy; none = direct"},
  "providers.proxy_ph_local": {"zh": "本机地址不经过代理", "en": "Local addresses never use a proxy"},
  "providers.needs_proxy": {"zh": "在中国大陆通常需要代理才能访问。", "en": "Usually needs a proxy from mainland China."},
  "providers.sakura_version": {"zh": "Sakura 提示词版本", "en": "Sakura prompt version"},
  "providers.advanced": {"zh": "高级参数", "en": "Advanced"},
  "providers.default": {"zh": "默认", "en": "default"},
  "providers.get_key": {"zh": "获取密钥", "en": "Get key"},
  "providers.model_list": {"zh": "模型列表", "en": "Model list"},
  "providers.tunnel": {"zh": "ssh 隧道命令", "en": "ssh tunnel command"},

  "sakura.v10": {"zh": "v1.0（支持术语表）", "en": "v1.0 (with glossary)"},
  "sakura.v09": {"zh": "v0.9", "en": "v0.9"},

  "region.cn": {"zh": "国内", "en": "China"},
  "region.cn_hint": {"zh": "国内服务，无需代理", "en": "Mainland services, no proxy needed"},
  "region.global": {"zh": "国外", "en": "Global"},
  "region.global_hint": {"zh": "国外服务与中转，通常需要代理", "en": "Services abroad and relays; usually need a proxy from China"},
  "region.local": {"zh": "本地", "en": "Local"},
  "region.local_hint": {"zh": "在本机或租用显卡上运行的模型", "en": "Models on this machine or a rented GPU"},

  "badge.proxy": {"zh": "需代理", "en": "Proxy"},
  "badge.no_key": {"zh": "无需密钥", "en": "No key"},
  "badge.relay": {"zh": "中转", "en": "Relay"},

  "key.not_set": {"zh": "未设置", "en": "Not set"},
  "key.optional": {"zh": "可选，一般不需要", "en": "Optional, usually not needed"},
  "key.optional_note": {
    "zh": "本地服务一般不需要密钥；只有用 --api-key 启动时才填写。",
    "en": "Local servers need no key; fill it in only when the server was started with --api-key."
  },
  "key.colon_secret": {"zh": "格式：APIKey:APISecret（用英文冒号连接）", "en": "Format: APIKey:APISecret (joined by a colon)"},
  "key.stored": {"zh": "已保存密钥；留空则保持不变。", "en": "A key is stored; leave empty to keep it."},
  "key.remove": {"zh": "删除密钥", "en": "Remove key"},
  "key.remove_hint": {"zh": "保存时删除已保存的密钥", "en": "Remove the stored key when saving"},
  "key.removed": {"zh": "保存后将删除密钥", "en": "The key will be removed on save"},
  "key.show": {"zh": "显示密钥", "en": "Show key"},
  "key.hide": {"zh": "隐藏密钥", "en": "Hide key"},

  "test.button": {"zh": "测试", "en": "Test"},
  "test.running": {"zh": "正在测试…", "en": "Testing…"},
  "test.ok": {"zh": "连接正常", "en": "It works"},
  "test.failed": {"zh": "失败", "en": "failed"},
  "test.ok_line": {"zh": "正常 · {ms} ms · {sample} → {reply}", "en": "OK · {ms} ms · {sample} → {reply}"},

  "general.intro": {"zh": "语言、文字识别与翻译方式。", "en": "Languages, text recognition and how translations are requested."},
  "general.languages": {"zh": "语言", "en": "Languages"},
  "general.source": {"zh": "原文语言", "en": "Source language"},
  "general.target": {"zh": "目标语言", "en": "Target language"},
  "general.ui_language": {"zh": "界面语言", "en": "Interface language"},
  "general.ocr": {"zh": "文字识别", "en": "Text recognition"},
  "general.ocr_engine": {"zh": "OCR 引擎", "en": "OCR engine"},
  "general.ocr_direction": {"zh": "文字方向", "en": "Text direction"},
  "ocr.direction_auto": {"zh": "自动（每个文字框自己判断）", "en": "Auto (each text box says)"},
  "ocr.direction_horizontal": {"zh": "横排", "en": "Horizontal"},
  "ocr.direction_vertical": {"zh": "竖排（从右到左按列阅读）", "en": "Vertical (columns right to left)"},
  "general.capture_method": {"zh": "截屏方式（Windows）", "en": "Screen capture (Windows)"},
  "capture.method_auto": {"zh": "自动", "en": "Automatic"},
  "capture.method_gdi": {"zh": "GDI（兼容性最好）", "en": "GDI (most compatible)"},
  "capture.method_wgc": {"zh": "Windows Graphics Capture（DirectX 游戏、HDR）", "en": "Windows Graphics Capture (DirectX games, HDR)"},
  "general.capture_method_hint": {
    "zh": "自动：先用 GDI，游戏窗口截到的是黑屏或纯色时改用 Windows Graphics Capture，并记住对这个游戏有效的方式；HDR 显示器上优先用后者。可以按游戏配置单独设置。其他系统只有一种方式。",
    "en": "Automatic: GDI first; a game window that comes back black or one colour is read through Windows Graphics Capture, and what worked is remembered for that game; on an HDR monitor the latter goes first. A profile can say otherwise. Other systems have one way."
  },
  "general.ocr_direction_hint": {
    "zh": "竖排日文（縦書き）按列从右到左读取；保存的区域可以单独设置。",
    "en": "Vertical Japanese (縦書き) is read column by column, right to left; a saved region can say otherwise."
  },
  "general.keep_furigana": {"zh": "保留注音假名", "en": "Keep furigana"},
  "general.keep_furigana_hint": {
    "zh": "默认去掉汉字上方的小号注音（ふりがな），只翻译正文。",
    "en": "By default the small readings over kanji are left out and only the text itself is translated."
  },
  "general.outputs": {"zh": "输出", "en": "Outputs"},
  "output.copy": {"zh": "每行自动复制到剪贴板", "en": "Copy every new line to the clipboard"},
  "output.copy_off": {"zh": "不复制", "en": "Off"},
  "output.copy_source": {"zh": "原文", "en": "The original"},
  "output.copy_translation": {"zh": "译文", "en": "The translation"},
  "output.websocket": {"zh": "本机 WebSocket", "en": "Local WebSocket"},
  "output.websocket_hint": {
    "zh": "只在 127.0.0.1 上监听：/ 发送原文（texthooker 页面），/json 发送原文、译文、翻译源、区域和时间。",
    "en": "Listens on 127.0.0.1 only: / sends the original (texthooker pages), /json the original, translation, provider, region and time."
  },
  "output.websocket_port": {"zh": "WebSocket 端口", "en": "WebSocket port"},
  "output.websocket_port_hint": {"zh": "texthooker 页面通常连接 6677。", "en": "Texthooker pages usually connect to 6677."},
  "output.speak": {"zh": "朗读每一行", "en": "Read every new line aloud"},
  "output.speak_off": {"zh": "不朗读", "en": "Off"},
  "output.speak_hint": {"zh": "使用系统的语音；新的一行会打断正在朗读的一行。", "en": "Uses the system's speech; a new line interrupts the one being read."},
  "output.voice": {"zh": "语音", "en": "Voice"},
  "output.voice_default": {"zh": "系统默认语音", "en": "The system's default voice"},
  "output.voice_listing": {"zh": "正在读取语音列表…", "en": "Listing the voices…"},
  "output.voice_not_listed": {"zh": "{voice}（未找到）", "en": "{voice} (not found)"},
  "output.rate": {"zh": "语速", "en": "Rate"},
  "output.rate_hint": {"zh": "正常语速的倍数。默认 {default}（{min}–{max}）。", "en": "A multiple of the voice's normal rate. Default {default} ({min}–{max})."},
  "general.ocr_engine_hint": {
    "zh": "PP-OCR 可识别日文、中文和英文；ocrs 仅识别拉丁字母。",
    "en": "PP-OCR reads Japanese, Chinese and English; ocrs reads Latin script only."
  },
  "general.ocr_language": {"zh": "识别语言", "en": "Text language"},
  "general.translation": {"zh": "翻译", "en": "Translation"},
  "general.context_lines": {"zh": "上下文行数", "en": "Context lines"},
  "general.context_lines_hint": {
    "zh": "把之前的几句原文和译文一起发送（{min}–{max}，0 = 不发送）。",
    "en": "Earlier lines and their translations sent along ({min}–{max}, 0 = none)."
  },
  "general.stream": {"zh": "流式输出", "en": "Streaming"},
  "general.stream_hint": {"zh": "边生成边显示译文", "en": "Show the translation as it is written"},
  "general.custom_prompt": {"zh": "自定义提示词", "en": "Custom prompt"},
  "general.custom_prompt_ph": {"zh": "留空使用默认提示词", "en": "Empty: the default prompt"},
  "general.custom_prompt_hint": {
    "zh": "替换通用模型的系统提示词；{from} 和 {to} 会被替换为语言名称。Sakura 模型使用固定格式。",
    "en": "Replaces the system prompt of general models; {from} and {to} become language names. Sakura models use their own format."
  },
  "general.glossary": {"zh": "术语表", "en": "Glossary"},
  "general.glossary_hint": {
    "zh": "固定的人名、地名和术语译法，会随请求一起发送。",
    "en": "Fixed translations of names and terms, sent with each request."
  },

  "glossary.src": {"zh": "原文", "en": "Source"},
  "glossary.dst": {"zh": "译文", "en": "Translation"},
  "glossary.note": {"zh": "备注", "en": "Note"},
  "glossary.note_ph": {"zh": "可选", "en": "optional"},
  "glossary.add": {"zh": "添加", "en": "Add"},
  "glossary.remove": {"zh": "删除这一行", "en": "Remove this row"},
  "glossary.empty": {"zh": "还没有术语。", "en": "No terms yet."},

  "ocr.ppocr": {"zh": "PP-OCR（日文 / 中文 / 英文）", "en": "PP-OCR (Japanese / Chinese / English)"},
  "ocr.ocrs": {"zh": "ocrs（仅拉丁字母）", "en": "ocrs (Latin script only)"},

  "hotkeys.intro": {
    "zh": "全局热键，在游戏中也能使用。点击输入框后直接按下组合键。",
    "en": "Global hotkeys work inside games too. Click a field and press the combination."
  },
  "hotkeys.how": {
    "zh": "格式：修饰键+按键，例如 Alt+Q、Ctrl+Shift+F1。留空则关闭该热键。",
    "en": "Format: modifiers+key, e.g. Alt+Q or Ctrl+Shift+F1. Empty turns the hotkey off."
  },
  "hotkeys.regions": {"zh": "保存的区域", "en": "Saved regions"},
  "hotkeys.paused": {"zh": "正在录入快捷键：ocrlay 的全局快捷键暂停，按下的组合键只填入这个输入框。", "en": "Recording a hotkey: ocrlay's hotkeys are paused, so the keys you press only go into this field."},
  "hotkeys.resumed": {"zh": "ocrlay 的全局快捷键已恢复。", "en": "ocrlay's hotkeys are on again."},
  "hotkeys.portal_note": {
    "zh": "这些快捷键由桌面绑定（它可能选了和这里不同的按键）。要更改，请到桌面自己的设置里：KDE 在“系统设置 → 快捷键”，GNOME 在“设置 → 键盘 → 查看及自定义快捷键”。",
    "en": "Your desktop binds these keys (it may have chosen others than asked here). Change them in the desktop's own settings: KDE System Settings → Shortcuts; GNOME Settings → Keyboard → View and Customize Shortcuts."
  },
  "hotkeys.asking_note": {
    "zh": "正在询问桌面能否绑定全局快捷键……",
    "en": "Asking the desktop whether it binds global keys…"
  },
  "hotkeys.desktop_note": {
    "zh": "这个 Wayland 桌面不让程序绑定全局快捷键（{why}）。下面的按键只在 XWayland 窗口（例如 Wine 下的游戏）在前台时有效；要在任何地方使用，请把每个命令添加为桌面键盘设置里的自定义快捷键（sway：在 ~/.config/sway/config 里写 bindsym Mod1+q exec 命令；GNOME：设置 → 键盘 → 自定义快捷键）。",
    "en": "This Wayland desktop does not let programs bind global keys ({why}). The keys below work only while an XWayland window (a game under Wine, say) is in front; to use them everywhere, add each command below as a custom shortcut in your desktop's keyboard settings (sway: bindsym Mod1+q exec COMMAND in ~/.config/sway/config; GNOME: Settings → Keyboard → Custom Shortcuts)."
  },
  "hotkeys.bound": {"zh": "桌面绑定的按键：{keys}", "en": "Bound by the desktop: {keys}"},
  "hotkeys.bound_none": {"zh": "桌面没有为它绑定按键", "en": "The desktop bound no key to it"},
  "hotkeys.command_title": {"zh": "在桌面的键盘设置里绑定这个命令", "en": "Bind this command in the desktop's keyboard settings"},

  "hotkey.off": {"zh": "未设置（关闭）", "en": "Not set (off)"},
  "hotkey.select_region": {"zh": "选择区域并翻译", "en": "Select a region and translate"},
  "hotkey.select_region_hint": {"zh": "拖动选择屏幕上要翻译的文字", "en": "Drag over the text on screen"},
  "hotkey.repeat_last": {"zh": "重新翻译上次的区域", "en": "Translate the last region again"},
  "hotkey.repeat_last_hint": {"zh": "文字变化后再按一次", "en": "Press again when the text changes"},
  "hotkey.toggle_overlay": {"zh": "显示 / 隐藏悬浮窗", "en": "Show / hide the overlay"},
  "hotkey.toggle_overlay_hint": {"zh": "临时隐藏译文", "en": "Hide the translation for a moment"},
  "hotkey.toggle_auto": {"zh": "开始 / 停止自动翻译", "en": "Start / stop auto translation"},
  "hotkey.toggle_auto_hint": {"zh": "区域内文字变化时自动翻译", "en": "Translate whenever the region's text changes"},
  "hotkey.region_1": {"zh": "切换到区域 1", "en": "Switch to region 1"},
  "hotkey.region_2": {"zh": "切换到区域 2", "en": "Switch to region 2"},
  "hotkey.region_3": {"zh": "切换到区域 3", "en": "Switch to region 3"},
  "hotkey.region_4": {"zh": "切换到区域 4", "en": "Switch to region 4"},
  "hotkey.open_settings": {"zh": "打开设置", "en": "Open the settings"},
  "hotkey.region_hint": {"zh": "设为当前区域：{name}", "en": "Make it the active region: {name}"},
  "hotkey.err_invalid": {"zh": "“{hotkey}”不是有效的快捷键（{reason}）", "en": "'{hotkey}' is not a hotkey ({reason})"},
  "hotkey.err_taken": {
    "zh": "快捷键 {hotkey} 已被其他程序占用，按下它不会有反应：请在设置的“快捷键”里换一个。",
    "en": "The hotkey {hotkey} is taken by another program, so pressing it does nothing: choose another one in the settings (Hotkeys)."
  },
  "hotkey.err_register": {
    "zh": "无法注册快捷键 {hotkey}（{reason}）：请在设置的“快捷键”里换一个。",
    "en": "The hotkey {hotkey} could not be registered ({reason}): choose another one in the settings (Hotkeys)."
  },
  "hotkey.open_settings_hint": {
    "zh": "没有托盘图标时，或在全屏游戏里打开这个窗口",
    "en": "Opens this window without a tray icon, or from a full-screen game"
  },
  "hotkey.portal_no_bus": {
    "zh": "无法连接会话 D-Bus（{reason}），桌面的快捷键门户因此不可用",
    "en": "the session D-Bus cannot be reached ({reason}), so the desktop's shortcuts portal cannot be asked"
  },
  "hotkey.portal_missing": {
    "zh": "这个桌面没有提供全局快捷键门户（xdg-desktop-portal 的 GlobalShortcuts：KDE Plasma 5.27+、GNOME 48+、Hyprland 才有；{reason}）",
    "en": "this desktop offers no global shortcuts portal (xdg-desktop-portal's GlobalShortcuts: KDE Plasma 5.27+, GNOME 48+ and Hyprland have one; {reason})"
  },
  "hotkey.portal_refused": {
    "zh": "桌面的快捷键对话框被取消了，快捷键没有绑定",
    "en": "the desktop's shortcut dialog was cancelled, so no keys were bound"
  },
  "hotkey.portal_failed": {"zh": "桌面的快捷键门户出错：{reason}", "en": "the desktop's shortcuts portal failed: {reason}"},

  "overlay_s.intro": {
    "zh": "悬浮窗的字体、颜色和大小。下方预览会立即显示效果。",
    "en": "Font, colours and size of the overlay. The preview shows changes at once."
  },
  "overlay_s.font_family": {"zh": "字体", "en": "Font"},
  "overlay_s.font_custom": {"zh": "自定义（CSS 字体列表）…", "en": "Custom (a CSS font list)…"},
  "overlay_s.font_raw": {"zh": "CSS 字体列表", "en": "CSS font list"},
  "overlay_s.font_raw_hint": {"zh": "按顺序尝试，用逗号分隔，例如 \"LXGW WenKai\", serif", "en": "Tried in order, separated by commas, e.g. \"LXGW WenKai\", serif"},
  "overlay_s.font.noto_sans": {"zh": "思源黑体 / Noto Sans CJK（默认）", "en": "Noto Sans CJK / Source Han Sans (default)"},
  "overlay_s.font.yahei": {"zh": "微软雅黑", "en": "Microsoft YaHei"},
  "overlay_s.font.pingfang": {"zh": "苹方", "en": "PingFang SC"},
  "overlay_s.font.source_han": {"zh": "思源黑体（Source Han Sans）", "en": "Source Han Sans SC"},
  "overlay_s.font.wenkai": {"zh": "霞鹜文楷", "en": "LXGW WenKai"},
  "overlay_s.font.serif": {"zh": "宋体 / Noto Serif CJK", "en": "Noto Serif CJK / SimSun"},
  "overlay_s.font.simhei": {"zh": "黑体", "en": "SimHei"},
  "overlay_s.hex": {"zh": "十六进制颜色", "en": "Hex colour"},
  "overlay_s.font_size": {"zh": "字号", "en": "Font size"},
  "overlay_s.text_color": {"zh": "文字颜色", "en": "Text colour"},
  "overlay_s.outline_color": {"zh": "描边颜色", "en": "Outline colour"},
  "overlay_s.outline_width": {"zh": "描边宽度", "en": "Outline width"},
  "overlay_s.background_color": {"zh": "背景颜色", "en": "Background colour"},
  "overlay_s.background_opacity": {"zh": "背景不透明度", "en": "Background opacity"},
  "overlay_s.width": {"zh": "宽度", "en": "Width"},
  "overlay_s.show_original": {"zh": "显示原文", "en": "Show the original text"},
  "overlay_s.locked": {"zh": "锁定（鼠标穿透）", "en": "Locked (click-through)"},
  "overlay_s.mode": {"zh": "位置", "en": "Placement"},
  "overlay_s.mode_beside": {"zh": "在区域旁边", "en": "Beside the region"},
  "overlay_s.mode_over": {"zh": "覆盖原文", "en": "Over the original text"},
  "overlay_s.mode_hint": {
    "zh": "覆盖原文：悬浮窗盖在区域上，直接替换原来的文字。",
    "en": "Over: the overlay covers the region, in place of the original text."
  },

  "preview.text": {"zh": "「嘿，今晚的星星好美啊。」", "en": "\"Hey, the stars are so beautiful tonight.\""},
  "preview.sample.zh-CN": {"zh": "「嘿，今晚的星星好美啊。」", "en": "「嘿，今晚的星星好美啊。」"},
  "preview.sample.zh-TW": {"zh": "「嘿，今晚的星星好美喔。」", "en": "「嘿，今晚的星星好美喔。」"},
  "preview.sample.en": {"zh": "\"Hey, the stars are so beautiful tonight.\"", "en": "\"Hey, the stars are so beautiful tonight.\""},
  "preview.sample.ja": {"zh": "「ねえ、今夜は星がとても綺麗だね。」", "en": "「ねえ、今夜は星がとても綺麗だね。」"},
  "preview.sample.ko": {"zh": "「있잖아, 오늘 밤 별이 정말 예쁘다.」", "en": "「있잖아, 오늘 밤 별이 정말 예쁘다.」"},

  "network.intro": {
    "zh": "代理与超时。本机地址（127.0.0.1、localhost）永远不经过代理。",
    "en": "Proxy and time limits. Local addresses (127.0.0.1, localhost) never use a proxy."
  },
  "network.proxy": {"zh": "全局代理", "en": "Global proxy"},
  "network.proxy_ph": {
    "zh": "留空 = 系统代理；none = 直连；例如 127.0.0.1:7890",
    "en": "Empty = the system's; none = direct; e.g. 127.0.0.1:7890"
  },
  "network.proxy_hint": {
    "zh": "支持 host:port、http://、https://、socks5:// 地址。每个翻译源也可以单独设置代理。",
    "en": "host:port, http://, https:// or socks5:// addresses. Each provider can have its own proxy too."
  },
  "network.connect_timeout": {"zh": "连接超时", "en": "Connect timeout"},
  "network.read_timeout": {"zh": "读取超时", "en": "Read timeout"},
  "network.read_timeout_ph": {"zh": "自动", "en": "auto"},
  "network.read_timeout_hint": {
    "zh": "留空：在线服务 60 秒，本地模型 300 秒（{min}–{max}）。",
    "en": "Empty: 60 s for online services, 300 s for local models ({min}–{max})."
  },
  "network.config_path": {"zh": "配置文件：", "en": "Config file:"},

  "err.required": {"zh": "不能为空", "en": "Required"},
  "err.number": {"zh": "请输入数字", "en": "Enter a number"},
  "err.integer": {"zh": "请输入整数", "en": "Enter a whole number"},
  "err.range": {"zh": "必须在 {min} 到 {max} 之间", "en": "Must be between {min} and {max}"},
  "err.range_open": {"zh": "必须大于 {min}，且不超过 {max}", "en": "Must be above {min} and at most {max}"},
  "err.color": {"zh": "颜色格式应为 #rrggbb", "en": "A colour looks like #rrggbb"},
  "err.font": {"zh": "请输入 CSS 字体列表（不能包含 ; { } < > \\）", "en": "Enter a CSS font list (without ; { } < > \\)"},
  "err.url_space": {"zh": "地址中不能有空格", "en": "An address cannot contain spaces"},
  "err.url_scheme": {"zh": "地址必须以 http:// 或 https:// 开头", "en": "The address must start with http:// or https://"},
  "err.url_shape": {
    "zh": "不是有效的地址，例如 https://api.example.com/v1",
    "en": "Not a valid address, e.g. https://api.example.com/v1"
  },
  "err.url_required": {"zh": "自定义翻译源需要填写接口地址", "en": "A custom provider needs an API address"},
  "err.proxy_shape": {
    "zh": "代理格式应为 host:port 或 http://host:port、socks5://host:port；留空或 none 也可以",
    "en": "A proxy looks like host:port, http://host:port or socks5://host:port (or empty, or none)"
  },
  "err.proxy_scheme": {"zh": "代理只支持 http、https、socks5、socks5h", "en": "Proxies can be http, https, socks5 or socks5h"},
  "err.proxy_port": {"zh": "端口必须在 1 到 65535 之间", "en": "The port must be between 1 and 65535"},
  "err.hotkey_nokey": {"zh": "缺少按键，例如 Alt+Q", "en": "The key is missing, e.g. Alt+Q"},
  "err.hotkey_mod": {
    "zh": "“{mod}” 不是修饰键（可用 Alt、Ctrl、Shift、Super）",
    "en": "\"{mod}\" is not a modifier (use Alt, Ctrl, Shift or Super)"
  },
  "err.hotkey_shape": {"zh": "格式应为 修饰键+按键，例如 Alt+Q", "en": "Write it as modifiers+key, e.g. Alt+Q"},
  "err.hotkey_needmod": {"zh": "需要至少一个修饰键，例如 Alt+{key}", "en": "Needs at least one modifier, e.g. Alt+{key}"},
  "err.hotkey_dup": {"zh": "与“{other}”的热键重复", "en": "Same hotkey as \"{other}\""},
  "err.glossary_src": {"zh": "第 {n} 行缺少原文", "en": "Row {n} has no source term"},
  "err.slow_below_fast": {
    "zh": "不能小于截图间隔（{fast} 毫秒）",
    "en": "Must not be shorter than the capture interval ({fast} ms)"
  },
  "err.name_long": {"zh": "名称不能超过 {n} 个字", "en": "At most {n} characters"},
  "err.bind_outside": {
    "zh": "这个区域不在窗口“{title}”内；先选择窗口里的区域，或清除区域后绑定整个窗口",
    "en": "This region is not inside the window \"{title}\"; select a region inside it, or clear the region to bind the whole window"
  },
  "err.bind_small": {"zh": "这个窗口太小，无法绑定", "en": "This window is too small to bind"},
  "err.at_least": {"zh": "不能小于 {min}", "en": "Must be at least {min}"},
  "err.range_found": {
    "zh": "必须在 {min} 到 {max} 之间（现在是 {found}）",
    "en": "Must be between {min} and {max} (found {found})"
  },
  "err.region_small": {"zh": "区域太小（{w}×{h}）", "en": "The region is too small ({w}×{h})"},
  "err.bound_region_small": {"zh": "绑定窗口内的区域太小", "en": "The region inside the bound window is too small"},
  "err.form_unreadable": {"zh": "无法读取表单", "en": "The form could not be read"},
  "err.key_new_host": {
    "zh": "地址现在指向 {now}，而保存的密钥是为 {then} 输入的：请重新输入密钥（ocrlay 不会把密钥发给不是为它输入的主机）",
    "en": "The address now points to {now} and the saved key was for {then}: enter the key again (ocrlay never sends a key to a host it was not entered for)"
  },
  "err.host_other": {"zh": "另一个地址", "en": "another address"},
  "err.host_unreadable": {"zh": "一个无法识别的地址", "en": "an unreadable address"},
  "err.rule_empty": {"zh": "查找内容不能为空", "en": "The pattern is empty"},
  "err.rule_regex": {"zh": "不是有效的正则表达式：{why}", "en": "Not a valid regular expression: {why}"},
  "err.rule_regex_at": {
    "zh": "不是有效的正则表达式：{why}（第 {at} 个字符处）",
    "en": "Not a valid regular expression: {why} (at character {at})"
  },
  "err.rule_too_big": {
    "zh": "正则表达式太大（编译后超过 1 MiB），请简化",
    "en": "The regular expression is too large (over 1 MiB compiled); simplify it"
  },
  "err.save_failed": {"zh": "设置无法保存：{reason}", "en": "The settings could not be saved: {reason}"},
  "err.target_auto": {"zh": "目标语言不能是“自动”", "en": "The target language cannot be auto"},
  "err.url_empty": {"zh": "接口地址为空", "en": "The API address is empty"},
  "err.url_invalid": {"zh": "“{input}”不是有效的地址（{reason}）", "en": "'{input}' is not a valid address ({reason})"},
  "err.not_readable": {
    "zh": "ocrlay 还不能识别韩语文字：两个 OCR 引擎都不认识韩文字母。韩语可以作为翻译的目标语言，但不能作为识别的语言",
    "en": "ocrlay cannot read Korean text yet: neither OCR engine reads Hangul. Korean can be the language translated into, not the one read"
  },

  "overlay.idle": {"zh": "等待翻译…", "en": "Waiting for text…"},
  "overlay.drag": {"zh": "拖动以移动", "en": "Drag to move"},
  "overlay.retranslate": {"zh": "重新翻译", "en": "Translate again"},
  "overlay.auto_start": {"zh": "开始自动翻译（新的一行出现时翻译）", "en": "Start auto mode (translate each new line)"},
  "overlay.auto_stop": {"zh": "停止自动翻译", "en": "Stop auto mode"},
  "overlay.copy": {"zh": "复制译文", "en": "Copy the translation"},
  "overlay.copy_source": {"zh": "复制原文", "en": "Copy the original"},
  "overlay.lock": {"zh": "锁定（鼠标穿透）", "en": "Lock (click-through)"},
  "overlay.unlock": {"zh": "解锁", "en": "Unlock"},
  "overlay.settings": {"zh": "设置", "en": "Settings"},
  "overlay.open_providers": {"zh": "打开设置 → 翻译源", "en": "Open settings → Providers"},
  "overlay.open_settings": {"zh": "打开设置", "en": "Open the settings"},
  "overlay.hide": {"zh": "隐藏", "en": "Hide"},
  "overlay.resize": {"zh": "拖动调整大小", "en": "Drag to resize"},
  "overlay.failed": {"zh": "翻译失败", "en": "The translation failed"},
  "overlay.correct": {"zh": "更正原文", "en": "Fix the text"},
  "overlay.edit_source": {
    "zh": "更正原文（回车重新翻译，并记住这个更正）",
    "en": "Correct the original (Enter translates it again and remembers the correction)"
  },
  "overlay.corrected": {
    "zh": "原文已更正（不是 OCR 读到的原样）",
    "en": "The original was corrected (it is not exactly what OCR read)"
  },

  "selector.hint": {"zh": "拖动选择要翻译的区域 · Esc 或右键取消", "en": "Drag over the text to translate · Esc or right-click to cancel"},

  "history.title": {"zh": "历史记录", "en": "History"},
  "history.window_title": {"zh": "ocrlay 历史记录", "en": "ocrlay history"},
  "history.summary_all": {"zh": "共 {n} 条", "en": {"one": "{n} line", "other": "{n} lines"}},
  "history.summary_filtered": {"zh": "找到 {n} 条", "en": "{n} found"},
  "history.summary_shown": {"zh": "，已显示 {n} 条", "en": ", {n} shown"},
  "history.reading": {"zh": "正在读取…", "en": "Reading…"},
  "history.search_ph": {"zh": "搜索原文或译文", "en": "Search source or translation"},
  "history.region_filter": {"zh": "按区域或游戏筛选", "en": "Filter by region or game"},
  "history.all_regions": {"zh": "全部区域", "en": "All regions"},
  "history.unnamed_region": {"zh": "（未命名）", "en": "(unnamed)"},
  "history.export_csv": {"zh": "导出 CSV", "en": "Export CSV"},
  "history.export_json": {"zh": "导出 JSON", "en": "Export JSON"},
  "history.export_title": {
    "zh": "把当前筛选出的全部记录导出到文件（不会覆盖已有文件）",
    "en": "Write every line of the current filter to a file (existing files are never overwritten)"
  },
  "history.exporting": {"zh": "正在导出…", "en": "Exporting…"},
  "history.exported": {"zh": "已导出 {n} 条记录（{fmt}）到", "en": {"one": "Exported {n} line ({fmt}) to", "other": "Exported {n} lines ({fmt}) to"}},
  "history.open_folder": {"zh": "打开文件夹", "en": "Open folder"},
  "history.clear_all": {"zh": "清空", "en": "Clear"},
  "history.clear_title": {"zh": "删除全部历史记录", "en": "Delete the whole history"},
  "history.clear_q": {"zh": "删除全部历史记录？", "en": "Delete the whole history?"},
  "history.clear_q_n": {"zh": "删除全部 {n} 条历史记录？", "en": {"one": "Delete the {n} line of the history?", "other": "Delete all {n} lines of the history?"}},
  "history.clear_keeps_memory": {
    "zh": "无法撤销。翻译记忆（包括你修改过的译文）会保留。",
    "en": "This cannot be undone. The translation memory, with your corrections, is kept."
  },
  "history.clear_confirm": {"zh": "全部删除", "en": "Delete all"},
  "history.cleared": {"zh": "已删除 {n} 条历史记录。", "en": {"one": "Deleted {n} line.", "other": "Deleted {n} lines."}},
  "history.cancel": {"zh": "取消", "en": "Cancel"},
  "history.close": {"zh": "关闭", "en": "Close"},
  "history.col_meta": {"zh": "时间 · 区域 · 翻译源", "en": "Time · region · provider"},
  "history.col_source": {"zh": "原文", "en": "Source"},
  "history.col_translation": {"zh": "译文", "en": "Translation"},
  "history.edited": {"zh": "已修改", "en": "edited"},
  "history.edited_title": {
    "zh": "你修改过这条译文：以后遇到同一句原文，会直接使用它。",
    "en": "You corrected this translation: the same source line will use it from now on."
  },
  "history.edit": {"zh": "修改译文", "en": "Edit the translation"},
  "history.edit_source": {"zh": "更正识别出的原文", "en": "Correct the recognised text"},
  "history.edit_source_hint": {"zh": "Enter 重新翻译更正后的原文，并记住这个更正（只用于这一行的区域）；Esc 取消", "en": "Enter translates the corrected text again and remembers the correction (for this line's region only); Esc cancels"},
  "history.source_sent": {"zh": "已按更正后的原文重新翻译", "en": "Translating the corrected text"},
  "history.copy_source": {"zh": "复制原文", "en": "Copy the source"},
  "history.copy_translation": {"zh": "复制译文", "en": "Copy the translation"},
  "history.copied": {"zh": "已复制到剪贴板", "en": "Copied to the clipboard"},
  "history.delete": {"zh": "删除这条记录", "en": "Delete this line"},
  "history.delete_confirm": {"zh": "再点一次删除", "en": "Click again to delete"},
  "history.deleted": {"zh": "已删除 1 条记录。", "en": "Deleted 1 line."},
  "history.save": {"zh": "保存", "en": "Save"},
  "history.saving": {"zh": "保存中…", "en": "Saving…"},
  "history.edit_hint": {
    "zh": "Enter 保存 · Shift+Enter 换行 · Esc 取消",
    "en": "Enter saves · Shift+Enter new line · Esc cancels"
  },
  "history.edit_wins": {
    "zh": "以后遇到同一句原文，会直接使用你的译文。",
    "en": "The same source line will use your translation from now on."
  },
  "history.saved": {"zh": "译文已保存，下次遇到同一句会直接使用。", "en": "Saved: the same line will use your translation next time."},
  "history.load_more": {"zh": "加载更多（还有 {n} 条）", "en": "Load more ({n} left)"},
  "history.loading": {"zh": "加载中…", "en": "Loading…"},
  "history.empty_title": {"zh": "还没有历史记录", "en": "No history yet"},
  "history.empty_text": {
    "zh": "翻译过的每一句都会记在这里，可以搜索、修改和导出。",
    "en": "Every line you translate is kept here, to search, correct and export."
  },
  "history.nomatch_title": {"zh": "没有找到匹配的记录", "en": "Nothing matches"},
  "history.nomatch_text": {"zh": "换个关键词，或者查看全部区域。", "en": "Try other words, or all regions."},
  "history.clear_filters": {"zh": "清除筛选", "en": "Clear the filter"},
  "history.export_dir": {"zh": "导出位置：{dir}", "en": "Exports go to {dir}"},
  "history.today": {"zh": "今天", "en": "Today"},
  "history.yesterday": {"zh": "昨天", "en": "Yesterday"},
  "history.err.query": {"zh": "读取历史记录失败：", "en": "Could not read the history: "},
  "history.err.edit": {"zh": "保存译文失败：", "en": "Could not save the translation: "},
  "history.err.delete": {"zh": "删除失败：", "en": "Could not delete: "},
  "history.err.export": {"zh": "导出失败：", "en": "Could not export: "},
  "history.err.clear": {"zh": "清空失败：", "en": "Could not clear the history: "},
  "history.err.open_folder": {"zh": "打不开文件夹：", "en": "Could not open the folder: "},
  "history.err_empty_edit": {
    "zh": "译文为空，没有保存。请输入译文，或按 Esc 保留原来的译文。",
    "en": "The translation is empty, so it was not saved. Type a translation, or press Esc to keep the old one."
  },
  "history.err_line_gone": {
    "zh": "这条记录已不在历史中（已被删除），没有保存任何内容。",
    "en": "This line is no longer in the history (it was deleted), so nothing was saved."
  },
  "history.err_saved_line_gone": {
    "zh": "译文已保存，但这条记录随后已从历史中删除。",
    "en": "The translation was saved, but the line has since been deleted from the history."
  },
  "history.err_unconfirmed": {
    "zh": "没有删除任何内容：清空历史记录需要确认。",
    "en": "Nothing was deleted: clearing the history needs a confirmation."
  },
  "history.err_no_store": {
    "zh": "翻译记忆与历史已关闭或无法打开（见设置 → 翻译记忆与历史）。",
    "en": "The translation memory and history are off or could not be opened (see Settings → Memory & history)."
  },
  "history.err_store": {"zh": "{detail}", "en": "{detail}"},
  "history.err_export_folder": {
    "zh": "无法为导出创建文件夹 {dir}：{error}。请检查是否有写入权限。",
    "en": "Could not create the folder {dir} for the export: {error}. Check that you may write there."
  },
  "history.err_export_file": {
    "zh": "无法在 {dir} 中创建导出文件：{error}。请检查是否可以写入这个文件夹。",
    "en": "Could not create an export file in {dir}: {error}. Check that you may write to that folder."
  },
  "history.err_export_write": {
    "zh": "无法写入导出文件 {path}：{error}。请检查磁盘是否已满，然后重试。",
    "en": "Could not write the export {path}: {error}. Check that the disk is not full, then try again."
  },
  "history.err_folder": {"zh": "无法创建文件夹 {dir}：{error}。", "en": "Could not create the folder {dir}: {error}."},
  "history.err_open_folder": {
    "zh": "无法在文件管理器中打开文件夹 {dir}：{error}。请自行打开，路径可以从窗口中复制。",
    "en": "Could not open the folder {dir} in the file manager: {error}. Open it yourself; the path can be copied from the window."
  },
  "history.edit_empty": {
    "zh": "译文不能为空；不想修改请按 Esc。",
    "en": "The translation cannot be empty; press Esc to keep the old one."
  },

  "file.not_regular": {"zh": "{path} 不是普通文件，而是{kind}：ocrlay 不读取它", "en": "{path} is not a regular file but {kind}: ocrlay does not read it"},
  "file.kind_directory": {"zh": "一个文件夹", "en": "a folder"},
  "file.kind_fifo": {"zh": "一个命名管道（FIFO）", "en": "a named pipe (FIFO)"},
  "file.kind_device": {"zh": "一个设备", "en": "a device"},
  "file.kind_socket": {"zh": "一个套接字", "en": "a socket"},
  "file.kind_other": {"zh": "一个特殊文件", "en": "a special file"},
  "file.too_large": {"zh": "{path} 有 {size}，超过了 ocrlay 对这类文件的上限 {limit}", "en": "{path} is {size}, more than the {limit} ocrlay reads of such a file"},
  "file.too_large_stream": {"zh": "{path} 的内容超过了 ocrlay 的上限 {limit}", "en": "{path} holds more than the {limit} ocrlay reads"},
  "config.cannot_read": {"zh": "无法读取 {path}：{error}", "en": "Cannot read {path}: {error}"},
  "config.not_utf8": {"zh": "{path} 不是 UTF-8 文本", "en": "{path} is not UTF-8 text"},
  "config.not_toml": {"zh": "设置文件不是有效的 TOML：{reason}", "en": "The settings file is not valid TOML: {reason}"},
  "config.unreadable_file": {
    "zh": "{why}。你的文件保持原样，保存设置前会先把它移到一边（{path}.broken-…）",
    "en": "{why}. Your file is kept as it is and will be moved aside (to {path}.broken-…) before settings are saved"
  },
  "config.not_a_file": {
    "zh": "{why}。改用默认设置；在 {path} 成为一个普通文件（或 OCRLAY_CONFIG 指向一个文件）之前，设置不会保存到那里",
    "en": "{why}. The defaults are used, and settings are not saved there until {path} is a regular file (or OCRLAY_CONFIG names one)"
  },
  "config.moved_aside": {"zh": "无法读取的旧设置文件已移到 {path}", "en": "The unreadable old settings file was moved to {path}"},
  "config.not_section": {"zh": "应为一个表（section），但这里是 {kind}", "en": "Should be a section but is a {kind}"},
  "config.wrong_type": {"zh": "{reason}（文件中是 {found}）", "en": "{reason} (found {found})"},
  "config.found_long_string": {"zh": "一个 {n} 个字符的字符串", "en": "a {n}-character string"},
  "config.found_table": {"zh": "一个表", "en": "a table"},
  "config.found_list": {"zh": "一个列表", "en": "a list"},
  "config.unknown_key": {"zh": "未知的设置项“{key}”（可用的有：{known}）", "en": "Unknown setting '{key}' (known: {known})"},
  "config.unknown_section": {"zh": "未知的部分", "en": "Unknown section"},
  "config.providers_not_section": {
    "zh": "应为由 [providers.ID] 表组成的部分",
    "en": "Should be a section of [providers.ID] tables"
  },
  "config.not_table": {"zh": "应为一个表", "en": "Should be a table"},
  "config.unknown_provider": {"zh": "不是已知的翻译源（可用的有：{known}）", "en": "Not a known provider (known: {known})"},
  "config.too_many_regions": {"zh": "最多只能保存 {n} 个区域", "en": "Only {n} regions can be saved"},
  "config.not_region": {"zh": "不是有效的区域：{reason}", "en": "Not a saved region: {reason}"},
  "config.not_rule": {"zh": "不是有效的替换规则：{reason}", "en": "Not a replacement rule: {reason}"},
  "config.not_rule_list": {"zh": "应为 [[filters]] 规则的列表", "en": "Should be a list of [[filters]] rules"},
  "config.not_profile_list": {"zh": "应为 [[profiles]] 配置档的列表", "en": "Should be a list of [[profiles]] profiles"},
  "config.not_profile": {"zh": "不是有效的配置档", "en": "Not a profile"},
  "config.profile_dup": {"zh": "已有名为“{name}”的配置档", "en": "There is already a profile called \"{name}\""},
  "err.profile_gone": {"zh": "配置档“{name}”已不存在", "en": "There is no profile called \"{name}\" any more"},
  "err.profile_file": {"zh": "这不是 ocrlay 配置档文件：{reason}", "en": "This is not an ocrlay profile file: {reason}"},
  "err.profile_too_large": {"zh": "这个配置档文件有 {size}，超过了 ocrlay 可导入的上限 {limit}", "en": "This profile file is {size}, more than the {limit} ocrlay imports"},
  "err.export_failed": {"zh": "无法导出配置档：{reason}", "en": "Could not export the profile: {reason}"},
  "profile.created": {"zh": "已新建配置档“{name}”", "en": "Profile \"{name}\" created"},
  "profile.duplicated": {"zh": "已复制为“{name}”", "en": "Copied as \"{name}\""},
  "profile.renamed": {"zh": "已改名为“{name}”", "en": "Renamed to \"{name}\""},
  "profile.deleted": {"zh": "已删除配置档“{name}”", "en": "Profile \"{name}\" deleted"},
  "profile.bound": {"zh": "已把配置档“{name}”绑定到它的游戏", "en": "\"{name}\" now comes into effect with its game"},
  "profile.imported": {"zh": "已导入配置档“{name}”", "en": "Profile \"{name}\" imported"},
  "profile.imported_partly": {"zh": "已导入配置档“{name}”；这些项无法使用，沿用全局设置：{fields}", "en": "Profile \"{name}\" imported; these fields could not be used and follow the global settings: {fields}"},
  "profile.exported": {"zh": "已导出到 {path}", "en": "Exported to {path}"},
  "profiles.intro": {"zh": "每个游戏可以有自己的源语言和目标语言、文字方向、提示词、术语表、替换规则、翻译源和保存的区域。绑定到游戏后，游戏窗口在前台时自动切换到它，离开时切回默认配置档（全局设置）。", "en": "Each game can have its own languages (read, and translated into), text direction, prompt, glossary, replacement rules, providers and saved regions. Bound to a game, a profile comes into effect while the game's window is in front, and the default profile (the global settings) when it is not."},
  "profiles.new_ph": {"zh": "新配置档的名称", "en": "Name of a new profile"},
  "profiles.new": {"zh": "新建", "en": "New"},
  "profiles.import": {"zh": "导入文件…", "en": "Import a file…"},
  "profiles.editing": {"zh": "正在编辑", "en": "Editing"},
  "profiles.default": {"zh": "默认配置档", "en": "Default profile"},
  "profiles.editing_note": {"zh": "正在编辑配置档“{name}”，保存只改这个配置档。标着“本配置档自有”的项只属于它；“沿用默认配置档”的项跟随默认配置档，修改后就归它所有；“所有配置档共用”的项在这里不能改，请在“正在编辑”中选默认配置档后修改。", "en": "Editing profile \"{name}\": Save changes this profile only. Fields marked \"This profile's own\" belong to it alone; \"Inherited\" ones follow the default profile until you change them (then they become its own); \"Shared by all profiles\" cannot be changed here: choose the default under Editing to change them."},
  "profiles.none": {"zh": "还没有配置档。新建一个，或导入别人分享的文件。", "en": "No profiles yet. Create one, or import a file someone shared."},
  "profiles.name": {"zh": "名称", "en": "Name"},
  "profiles.in_effect": {"zh": "使用中", "en": "In effect"},
  "profiles.being_edited": {"zh": "编辑中", "en": "Being edited"},
  "profiles.own": {"zh": "自有：{fields}", "en": "Its own: {fields}"},
  "profiles.own_none": {"zh": "还没有自有设置，全部沿用全局设置。点“编辑”修改。", "en": "Nothing of its own yet: everything follows the global settings. Use Edit to change it."},
  "profiles.field.source": {"zh": "源语言", "en": "language read"},
  "profiles.field.target": {"zh": "目标语言", "en": "language translated into"},
  "profiles.field.direction": {"zh": "文字方向", "en": "text direction"},
  "profiles.field.custom_prompt": {"zh": "提示词", "en": "prompt"},
  "profiles.field.providers": {"zh": "翻译源", "en": "providers"},
  "profiles.field.glossary": {"zh": "术语表", "en": "glossary"},
  "profiles.field.filters": {"zh": "替换规则", "en": "replacement rules"},
  "profiles.field.regions": {"zh": "保存的区域", "en": "saved regions"},
  "profiles.scope_own": {"zh": "本配置档自有", "en": "This profile's own"},
  "profiles.scope_inherited": {"zh": "沿用默认配置档", "en": "Inherited from the default profile"},
  "profiles.scope_shared": {"zh": "所有配置档共用", "en": "Shared by all profiles"},
  "profiles.scope_shared_hint": {"zh": "所有配置档共用这一项：在“正在编辑”中选默认配置档后修改。", "en": "Shared by all profiles: choose the default under Editing to change it."},
  "profiles.make_own": {"zh": "设为自有", "en": "Make it this profile's"},
  "profiles.give_back": {"zh": "改回沿用默认", "en": "Follow the default again"},
  "common.list_sep": {"zh": "、", "en": ", "},
  "common.sentence_sep": {"zh": "；", "en": "; "},
  "common.concat": {"zh": "{a}{b}", "en": "{a}{b}"},
  "profiles.game_title": {"zh": "窗口标题包含", "en": "Window title contains"},
  "profiles.game_title_ph": {"zh": "例如 Ys VIII", "en": "e.g. Ys VIII"},
  "profiles.game_app": {"zh": "程序", "en": "Program"},
  "profiles.game_app_ph": {"zh": "例如 ys8.exe", "en": "e.g. ys8.exe"},
  "profiles.pick_window": {"zh": "从打开的窗口选择", "en": "Pick an open window"},
  "profiles.not_bound": {"zh": "未绑定游戏：只在点“立即使用”时生效。", "en": "Bound to no game: in effect only when you choose Use now."},
  "profiles.use": {"zh": "立即使用", "en": "Use now"},
  "profiles.stop_using": {"zh": "改用默认配置档", "en": "Use the default"},
  "profiles.edit": {"zh": "编辑", "en": "Edit"},
  "profiles.edit_default": {"zh": "回到默认配置档", "en": "Back to the default"},
  "profiles.duplicate": {"zh": "复制", "en": "Duplicate"},
  "profiles.copy_name": {"zh": "{name} 副本", "en": "{name} copy"},
  "profiles.copy_name_n": {"zh": "{name} 副本 {n}", "en": "{name} copy {n}"},
  "profiles.export": {"zh": "导出", "en": "Export"},
  "profiles.delete": {"zh": "删除", "en": "Delete"},
  "profiles.delete_confirm": {"zh": "确认删除？", "en": "Delete it?"},
  "profiles.save_first": {"zh": "请先保存或撤销设置的更改。", "en": "Save or revert your changes first."},
  "profiles.unreadable": {"zh": "无法读取这个文件。", "en": "This file cannot be read."},
  "config.bad_value": {"zh": "值无效：{reason}", "en": "Not a valid value: {reason}"},

  "platform.compositor": {
    "zh": "合成器正在运行：ocrlay 会读取自身窗口下方的游戏窗口，翻译框可以直接盖在原文上。",
    "en": "A compositor is running: ocrlay reads the game window under its own windows, so the overlay can sit over the text."
  },
  "platform.wayland_xwayland": {
    "zh": "这个 Wayland 桌面没有 layer-shell（例如 GNOME）：ocrlay 通过 XWayland 显示翻译框和选区窗口，这样它们能停在 ocrlay 放的位置并保持在其他窗口之上。Wine/Proton 下的游戏直接从它的窗口读取；屏幕上的其他内容通过桌面的录屏门户读取，第一次会询问一次权限。",
    "en": "This Wayland desktop has no layer-shell (GNOME, for one): ocrlay shows its overlay and region selector through XWayland, where they stay where ocrlay puts them and above other windows. A game under Wine/Proton is read straight from its window; the rest of the screen through the desktop's screen-cast portal, which asks for permission once."
  },
  "platform.wayland_layered": {
    "zh": "在这个 Wayland 桌面上，ocrlay 的翻译框和选区窗口是 layer-shell 图层：它们停在 ocrlay 放的位置，并保持在其他窗口之上。屏幕通过 wlroots 截屏协议读取，或者通过桌面的录屏门户（只询问一次权限）。",
    "en": "On this Wayland desktop ocrlay's overlay and region selector are layer surfaces: they stay where ocrlay puts them, above other windows. The screen is read through wlroots screencopy, or through the desktop's screen-cast portal (which asks for permission once)."
  },
  "platform.no_compositor": {
    "zh": "没有运行合成器，X11 无法读取被翻译框遮住的窗口：覆盖模式下手动识别时翻译框会短暂隐藏，自动翻译会在区域被遮挡时等待。请启动合成器（picom、xcompmgr）或把翻译框放在区域旁边。",
    "en": "No compositor is running, so X11 cannot read a window where ocrlay's overlay covers it: in 'over' mode the overlay hides for each manual capture (it blinks), and auto mode waits while an ocrlay window covers the region. Start a compositor (picom, xcompmgr) or keep the overlay beside the region."
  },

  "provider.err.line": {"zh": "{provider}：{kind}", "en": "{provider}: {kind}"},
  "provider.err.missing_key": {
    "zh": "还没有设置 API 密钥。请在 {key_page} 创建一个，然后填入设置（或设置 OCRLAY_API_KEY）",
    "en": "no API key is set. Create one at {key_page} and enter it in settings (or set OCRLAY_API_KEY)"
  },
  "provider.err.key_format": {
    "zh": "密钥格式应为 APIKey:APISecret（控制台里的两项，用冒号连接）",
    "en": "the key must be APIKey:APISecret (both from the console, joined by a colon)"
  },
  "provider.err.missing_model": {"zh": "还没有设置模型。{hint}", "en": "no model is set. {hint}"},
  "provider.err.url": {"zh": "地址无法使用：{reason}", "en": "{reason}"},
  "provider.err.proxy_config": {"zh": "代理设置无法使用：{reason}", "en": "{reason}"},
  "provider.err.unauthorized": {
    "zh": "API 密钥被拒绝（{status}{detail}）。请检查设置里的密钥{key_page}",
    "en": "the API key was rejected ({status}{detail}). Check the key in settings{key_page}"
  },
  "provider.err.new_keys": {"zh": " — 获取新密钥：{url}", "en": " — new keys: {url}"},
  "provider.err.quota": {
    "zh": "账户余额或额度已用完（{status}{detail}）。请充值或换一个翻译源",
    "en": "the account is out of credit or quota ({status}{detail}). Top it up or switch provider"
  },
  "provider.err.model_not_found": {
    "zh": "这里没有模型“{model}”（{status}{detail}）。请在设置的模型列表里选一个",
    "en": "the model '{model}' does not exist here ({status}{detail}). Pick one from the model list in settings"
  },
  "provider.err.endpoint_not_found": {
    "zh": "{url} 没有响应（404）。请检查 API 地址：通常以 /v1/chat/completions 结尾",
    "en": "nothing answers at {url} (404). Check the API address: it usually ends in /v1/chat/completions"
  },
  "provider.err.rate_limited": {
    "zh": "请求太频繁（429{detail}）。请稍等再试{wait}",
    "en": "too many requests (429{detail}). Wait a moment{wait}"
  },
  "provider.err.retry_after": {"zh": "（服务器要求等待 {secs} 秒）", "en": " (the server asks for {secs} s)"},
  "provider.err.context_too_long": {
    "zh": "文本超出了模型的上下文长度{detail}。请选小一点的区域、减少上下文行数，或用更大的上下文启动服务器（llama.cpp：-c）",
    "en": "the text is too long for the model's context{detail}. Select a smaller region, lower the context lines, or start the server with a larger context (llama.cpp: -c)"
  },
  "provider.err.loading": {
    "zh": "服务器还在加载模型（503）。等加载完成后再试",
    "en": "the server is still loading the model (503). Wait until it has loaded, then try again"
  },
  "provider.err.server": {"zh": "服务器出错（{status}{detail}）。请稍后再试", "en": "the server failed ({status}{detail}). Try again later"},
  "provider.err.bad_request": {"zh": "请求被拒绝（{status}{detail}）", "en": "the request was refused ({status}{detail})"},
  "provider.err.proxy": {
    "zh": "无法使用代理 {proxy}（{detail}）。请启动代理程序（Clash：127.0.0.1:7890）或在设置里修改代理",
    "en": "the proxy {proxy} could not be used ({detail}). Start your proxy program (Clash: 127.0.0.1:7890) or change the proxy in settings"
  },
  "provider.err.dns": {
    "zh": "找不到服务器“{host}”（域名解析失败）。请检查地址和网络",
    "en": "cannot find the server '{host}' (DNS lookup failed). Check the address and your network"
  },
  "provider.err.connection_refused": {
    "zh": "{url} 没有程序在监听（连接被拒绝）。{hint}",
    "en": "nothing is listening at {url} (connection refused). {hint}"
  },
  "provider.err.connect": {
    "zh": "无法连接到 {host}（{detail}）。请检查网络，或在设置里设置代理",
    "en": "cannot connect to {host} ({detail}). Check your network, or set a proxy in settings"
  },
  "provider.err.timeout": {
    "zh": "{secs} 秒内没有回应。服务器太慢或无法访问；较慢的本地模型请在设置里调大读取超时",
    "en": "no answer within {secs} s. The server is slow or unreachable; for slow local models raise the read timeout in settings"
  },
  "provider.err.truncated": {
    "zh": "回答在完成前被中断（已收到 {chars} 个字符）{detail}。请重试",
    "en": "the answer was cut off before it was complete ({chars} characters arrived){detail}. Try again"
  },
  "provider.err.stream": {"zh": "服务器在回答中途报错：{detail}", "en": "the server reported an error mid-answer: {detail}"},
  "provider.err.not_json": {
    "zh": "回答不是 JSON（{snippet}）。请检查 API 地址：必须是兼容 OpenAI 的 chat/completions 地址",
    "en": "the answer is not JSON ({snippet}). Check the API address: it must be an OpenAI-compatible chat/completions URL"
  },
  "provider.err.html_page": {
    "zh": "{url} 返回的是一个网页{title}，而不是 API 的回答。请检查 API 地址（中转站请填它给出的 API 地址，通常以 /v1 结尾，而不是它的网站地址）；Wi-Fi 或公司网络的登录页也会这样，请先在浏览器里登录",
    "en": "{url} answers with a web page{title}, not with the API. Check the API address (for a relay, the API address it gives, usually ending in /v1, not its website); a Wi-Fi or office network's login page looks like this too: log in with a browser first"
  },
  "provider.err.html_title": {"zh": "（“{title}”）", "en": " ('{title}')"},
  "provider.err.not_text": {
    "zh": "{url} 的回答不是 UTF-8 文本（是二进制数据，或 GBK 等其他编码的文字）。请检查 API 地址；地址没错的话，是服务器或中转站发来的回答有问题，请联系它的运营者",
    "en": "the answer from {url} is not UTF-8 text (it is binary data, or text in another encoding such as GBK). Check the API address; if it is right, the server or relay sends broken answers: tell whoever runs it"
  },
  "provider.err.insecure_key": {
    "zh": "地址是到 {host} 的明文 http://，API 密钥会不加密地在网络上传输。请改用它的 https:// 地址（不需要密钥的服务器可以把密钥留空）",
    "en": "the address is plain http:// to {host}, so your API key would cross the network unencrypted. Use its https:// address (or, for a server that needs no key, leave the key empty)"
  },
  "provider.err.empty": {"zh": "回答里没有译文", "en": "the answer contained no translation"},
  "provider.err.deadline": {
    "zh": "{secs} 秒内没有得到完整的回答，已停止等待（已收到 {chars} 个字符）。服务器可能卡住或还在思考；较慢的本地模型请在设置（网络）里调大总超时",
    "en": "no complete answer within {secs} s, so ocrlay stopped waiting ({chars} characters had arrived). The server may be stuck or still thinking; for slow local models raise the overall time limit in settings (Network)"
  },
  "provider.err.looping": {
    "zh": "模型开始不停地重复自己，已在那里截断回答（见上方）。请调低它的 temperature 或提高重复惩罚，或者重试",
    "en": "the model started repeating itself, so ocrlay cut the answer there (shown above). Lower its temperature or raise its repetition penalty, or try again"
  },
  "provider.err.too_large": {
    "zh": "回答超过了 {limit}，远超任何译文所需（已收到 {chars} 个字符），已停止读取。模型可能陷入了循环：请检查它的设置（temperature、重复惩罚）",
    "en": "the answer grew past {limit}, far more than any translation needs ({chars} characters arrived), so ocrlay stopped reading it. The model may be looping: check its settings (temperature, repetition penalty)"
  },
  "provider.err.body_too_large": {
    "zh": "{url} 的回答有 {size}，超过了 ocrlay 从服务器读取的上限 {limit}，所以没有读取。请检查 API 地址：必须是兼容 OpenAI 的 API",
    "en": "the answer from {url} is {size}, more than the {limit} ocrlay reads from a server, so it was not read. Check the API address: it must be an OpenAI-compatible API"
  },
  "provider.err.body_over_limit": {
    "zh": "{url} 的回答超过了 ocrlay 从服务器读取的上限 {limit}，已停止读取。请检查 API 地址：必须是兼容 OpenAI 的 API",
    "en": "the answer from {url} went past {limit}, the most ocrlay reads from a server, so ocrlay stopped reading it. Check the API address: it must be an OpenAI-compatible API"
  },
  "provider.err.body_deadline": {
    "zh": "{url} 的回答在 {secs} 秒内没有结束（已收到 {size}），已停止等待。服务器或网络太慢，或者这个地址不是 API：请检查地址，或在设置（网络）里调大总超时",
    "en": "the answer from {url} did not end within {secs} s ({size} had arrived), so ocrlay stopped waiting. The server or the network is very slow, or the address is not an API: check the address, or raise the overall time limit in settings (Network)"
  },

  "provider.hint.ark_endpoint": {
    "zh": "请在火山方舟控制台创建推理接入点，并填入它的 ID（ep-…）。",
    "en": "Create an inference endpoint in the Ark console and enter its id (ep-…)."
  },
  "provider.hint.ollama_list": {"zh": "请填入 `ollama list` 里列出的模型名。", "en": "Enter a model name from `ollama list`."},
  "provider.hint.model_name": {"zh": "请填入服务商给出的模型名。", "en": "Enter the model name your provider gives."},
  "provider.hint.tunnel": {
    "zh": "请先打开 ssh 隧道（{command}）并保持窗口开着",
    "en": "Open the ssh tunnel first ({command}) and keep its window open"
  },
  "provider.hint.start_ollama": {"zh": "请启动 ollama（`ollama serve`），或检查端口", "en": "Start ollama (`ollama serve`) or check the port"},
  "provider.hint.start_tgw": {
    "zh": "请用 --api 启动 text-generation-webui，或检查端口",
    "en": "Start text-generation-webui with --api, or check the port"
  },
  "provider.hint.start_sakura": {
    "zh": "请启动 Sakura 服务（llama 启动器 / llama-server），或检查端口",
    "en": "Start the Sakura server (llama launcher / llama-server) or check the port"
  },
  "provider.hint.check_address": {"zh": "请检查地址和端口", "en": "Check the address and port"},

  "pipeline.err.ocr": {"zh": "OCR 出错：{reason}", "en": "OCR failed: {reason}"},
  "pipeline.err.no_engine": {
    "zh": "OCR 引擎没有加载（见启动时的提示）",
    "en": "the OCR engine is not loaded (see the message at start-up)"
  },

  "capture.err.backend": {
    "zh": "无法截取屏幕：{reason}。在 Linux 上 ocrlay 需要 X11 会话（或设置了 DISPLAY 的 XWayland）",
    "en": "cannot capture the screen: {reason}. On Linux ocrlay needs an X11 session (or XWayland with DISPLAY set)"
  },
  "capture.err.monitor_gone": {"zh": "显示器 {id} 已不存在", "en": "monitor {id} is gone"},
  "capture.err.off_screen": {
    "zh": "区域 {region} 不在任何显示器上",
    "en": "the region {region} is not on any monitor"
  },
  "capture.err.too_large": {
    "zh": "区域 {region} 有 {size} 百万像素，超过了 ocrlay 单次截取的上限 {limit} 百万像素；请选一个小一些的区域",
    "en": "the region {region} is {size} megapixels, more than the {limit} megapixels ocrlay captures at once; choose a smaller region"
  },
  "capture.err.window_gone": {
    "zh": "窗口 {id} 已不存在（已关闭或重启）；请在设置里重新选择",
    "en": "the window {id} is gone (closed or restarted); pick it again in settings"
  },
  "capture.err.bound_window_missing": {
    "zh": "区域绑定的窗口“{title}”没有打开；请先启动它，或在设置里解除绑定",
    "en": "the window \"{title}\" the region is bound to is not open; start it, or unbind the region in settings"
  },
  "capture.err.covered": {
    "zh": "ocrlay 的窗口（浮窗、设置或历史）盖住了区域，而{why}；请把它移开，或把区域绑定到游戏窗口",
    "en": "an ocrlay window (overlay, settings or history) covers the region and {why}; move it aside, or bind the region to the game window"
  },
  "capture.err.covered_no_compositor": {
    "zh": "这个系统无法读取它下面的内容（没有运行合成器）",
    "en": "this system cannot read under it (no compositor is running)"
  },
  "capture.err.covered_nothing_under": {"zh": "它下面没有别的窗口", "en": "no other window lies under it"},
  "capture.err.wayland": {
    "zh": "无法在这个 Wayland 桌面上截屏：{lack}（{reason}）。另一种办法：登录 X11 会话；或者如果游戏在 XWayland 下运行（Wine/Proton），把区域绑定到游戏窗口（设置 → 区域），ocrlay 会直接读取它，不需要门户也不会弹出对话框",
    "en": "cannot capture the screen on this Wayland desktop: {lack} ({reason}). Another way: log in to an X11 session; or, for a game under XWayland (Wine/Proton), bind the region to the game's window (Settings → Regions), which ocrlay reads directly with no portal and no dialog"
  },
  "capture.err.wayland_no_bus": {
    "zh": "找不到会话 D-Bus，因此无法询问桌面的截图门户，合成器也不支持 wlroots 截屏",
    "en": "there is no session D-Bus to reach the desktop's screenshot portal on, and the compositor offers no wlroots screencopy"
  },
  "capture.err.wayland_no_portal": {
    "zh": "xdg-desktop-portal 没有在会话总线上响应：请安装它和你桌面的后端（GNOME：xdg-desktop-portal-gnome，KDE：xdg-desktop-portal-kde），合成器也不支持 wlroots 截屏",
    "en": "xdg-desktop-portal does not answer on the session bus: install it with your desktop's backend (GNOME: xdg-desktop-portal-gnome, KDE: xdg-desktop-portal-kde); the compositor offers no wlroots screencopy either"
  },
  "capture.err.wayland_no_screenshot": {
    "zh": "桌面的门户没有提供截图接口（xdg-desktop-portal-wlr 只提供录屏），合成器的 wlroots 截屏也失败了",
    "en": "the desktop's portal offers no Screenshot (xdg-desktop-portal-wlr offers only ScreenCast), and the compositor's wlroots screencopy failed too"
  },
  "capture.err.wayland_declined": {
    "zh": "共享屏幕的请求被拒绝或取消了：桌面询问时请允许 ocrlay 共享屏幕（只问一次，之后一直有效，直到你撤销）",
    "en": "the request to share the screen was declined or cancelled: allow ocrlay to share the screen when the desktop asks (it asks once and keeps the permission until you revoke it)"
  },
  "capture.err.wayland_cast_failed": {
    "zh": "通过桌面的录屏门户（PipeWire）读取屏幕失败：请确认 xdg-desktop-portal、你桌面的后端和 PipeWire 都在运行",
    "en": "reading the screen through the desktop's screen-cast portal (PipeWire) failed: check that xdg-desktop-portal, your desktop's backend and PipeWire are running"
  },
  "capture.err.wayland_refused": {
    "zh": "桌面的截图门户拒绝了请求：请在桌面的隐私设置里允许 ocrlay 截屏",
    "en": "the desktop's screenshot portal refused: give ocrlay the screenshot permission in the desktop's privacy settings"
  },
  "capture.err.blank": {
    "zh": "截到的画面整片都是同一种颜色（{colour}），没有可以识别的内容；{why}",
    "en": "the screen capture came back all one colour ({colour}), so there is nothing to read; {why}"
  },
  "capture.err.blank_wayland": {
    "zh": "在 Wayland 上，ocrlay 通过桌面的截图门户（xdg-desktop-portal 以及你桌面的后端：xdg-desktop-portal-gnome、-kde 或 -wlr）或 wlroots 截屏协议读取屏幕，它们交回了空白画面。请安装并启动你桌面的门户后端；用 OpenGL/Vulkan 绘制的窗口在没有显卡加速的合成器上也会是黑的。也可以让游戏在 XWayland 下运行，并把区域绑定到游戏窗口（设置 → 区域），这样不经过门户",
    "en": "on Wayland ocrlay reads the screen through the desktop's screenshot portal (xdg-desktop-portal with your desktop's backend: xdg-desktop-portal-gnome, -kde or -wlr) or wlroots screencopy, and it handed over an empty frame. Install and start your desktop's portal backend; a window drawn with OpenGL/Vulkan also shows black on a compositor without GPU rendering. Or run the game under XWayland and bind the region to its window (Settings → Regions), which needs no portal"
  },
  "capture.err.blank_windows_elevated": {
    "zh": "这个游戏以管理员身份运行，而 ocrlay 没有，Windows 不允许它读取游戏的画面：请右键 ocrlay.exe，选择“以管理员身份运行”，再试一次",
    "en": "the game runs as administrator and ocrlay does not, so Windows does not let ocrlay read it: right-click ocrlay.exe, choose \"Run as administrator\", and try again"
  },
  "capture.err.blank_windows": {
    "zh": "以独占全屏（DirectX/Vulkan）运行的游戏无法被截屏：请在游戏的显示设置里改为“无边框窗口”（或窗口化），再试一次",
    "en": "a game in exclusive full screen (DirectX/Vulkan) cannot be captured: switch the game to borderless windowed (or windowed) in its display settings and try again"
  },
  "capture.err.blank_x11": {
    "zh": "如果那里明明有文字，说明程序绕过了 X 服务器绘制（没有合成器时的全屏 OpenGL/Vulkan 游戏）：请让游戏以窗口或无边框窗口运行，或启动一个合成器",
    "en": "if the screen shows text there, the program draws past the X server (a full-screen OpenGL/Vulkan game without a compositor): run it windowed or borderless, or start a compositor"
  },
  "capture.err.blank_other": {
    "zh": "请确认 ocrlay 有录制屏幕的权限（macOS：系统设置 → 隐私与安全性 → 录屏），然后重新启动 ocrlay",
    "en": "check that ocrlay may record the screen (macOS: System Settings → Privacy & Security → Screen Recording), then start ocrlay again"
  },

  "memory.err.create_dir": {
    "zh": "无法为历史数据库创建文件夹 {path}：{cause}",
    "en": "Could not create the folder {path} for the history database: {cause}"
  },
  "memory.err.open": {"zh": "无法打开历史数据库 {path}：{cause}", "en": "Could not open the history database {path}: {cause}"},
  "memory.err.is_folder": {
    "zh": "历史数据库 {path} 是一个文件夹，而不是文件",
    "en": "The history database {path} is a folder, not a file"
  },
  "memory.err.not_a_file": {
    "zh": "历史数据库 {path} 不是普通文件（而是设备、管道或套接字）",
    "en": "The history database {path} is not a regular file (it is a device, a pipe or a socket)"
  },
  "memory.err.read_only_file": {
    "zh": "历史数据库 {path} 被设为只读，ocrlay 无法在其中保存译文和历史记录",
    "en": "The history database {path} is read-only, so ocrlay cannot keep translations or history in it"
  },
  "memory.err.read_only_folder": {
    "zh": "历史数据库所在的文件夹 {path} 是只读的，ocrlay 无法在其中创建数据库及其 -wal、-shm 文件",
    "en": "The folder {path} of the history database is read-only, so ocrlay cannot create the database and its -wal and -shm files in it"
  },
  "memory.err.permission_denied": {
    "zh": "系统不允许 ocrlay 使用 {path}（权限不足）",
    "en": "The system does not let ocrlay use {path} (permission denied)"
  },
  "memory.err.newer_schema": {
    "zh": "历史数据库 {path} 是更新版本的 ocrlay 写入的（架构版本 {found}；这个版本最多能读 {supported}）；请更新 ocrlay，或把这个文件移走以开始新的历史记录",
    "en": "The history database {path} was written by a newer ocrlay (schema version {found}; this version reads up to {supported}); update ocrlay, or move the file away to start a new history"
  },
  "memory.err.move_aside": {
    "zh": "历史数据库 {from} 已损坏（{reason}），且无法移到 {to}：{cause}；请关闭正在使用它的其他程序，或自己把它移走",
    "en": "The history database {from} is damaged ({reason}) and could not be moved aside to {to}: {cause}; close other programs using it, or move it away yourself"
  },
  "memory.err.still_damaged": {
    "zh": "历史数据库 {path} 已损坏并被移到 {moved_to}，但新的数据库也已损坏（{reason}）；请检查磁盘",
    "en": "The history database {path} was damaged and moved to {moved_to}, but the new one is damaged too ({reason}); check the disk"
  },
  "memory.err.database": {
    "zh": "无法在历史数据库 {path} 中{action}：{cause}",
    "en": "Could not {action} in the history database {path}: {cause}"
  },
  "memory.err.export": {"zh": "无法写入历史记录的导出文件：{cause}", "en": "Could not write the history export: {cause}"},
  "memory.err.with_advice": {"zh": "{what}。{advice}", "en": "{what}. {advice}"},
  "memory.err.off": {
    "zh": "翻译记忆与历史这次无法使用（{error}）。{advice}",
    "en": "The translation memory and history are off this time: {error}. {advice}"
  },
  "memory.err.moved_aside": {
    "zh": "历史数据库已损坏（{reason}）；已把它移到 {path}，并开始了新的数据库。",
    "en": "The history database was damaged ({reason}); it was moved to {path} and a new one started."
  },

  "memory.advice.restart": {
    "zh": "数据库已损坏：请重启 ocrlay，它会把损坏的文件移到一旁并开始新的历史记录。",
    "en": "The database is damaged: restart ocrlay, which moves the damaged file aside and starts a new history."
  },
  "memory.advice.close_other": {
    "zh": "另一个程序（第二个 ocrlay？）正在使用数据库，请关闭它后重试。",
    "en": "Another program (a second ocrlay?) is using the database; close it and try again."
  },
  "memory.advice.free_space": {"zh": "磁盘已满，请腾出空间后重试。", "en": "The disk is full; free some space and try again."},
  "memory.advice.permissions": {
    "zh": "请确认你有权限写入数据库所在的文件夹，然后重启 ocrlay。",
    "en": "Check that you may write to the database's folder, then restart ocrlay."
  },
  "memory.advice.is_folder": {
    "zh": "ocrlay 没有改动这个文件夹；请把它移走或改名，然后重启 ocrlay。",
    "en": "ocrlay left that folder as it was; move or rename it, then restart ocrlay."
  },
  "memory.advice.not_a_file": {
    "zh": "ocrlay 没有改动它；请把它移走，然后重启 ocrlay。",
    "en": "ocrlay left it as it was; move it away, then restart ocrlay."
  },
  "memory.advice.read_only_file": {
    "zh": "ocrlay 保留了你设定的只读权限；若要使用翻译记忆和历史，请让这个文件可写（Linux/macOS：chmod u+w；Windows：在属性中取消“只读”），然后重启 ocrlay，或在设置中关闭它们。",
    "en": "ocrlay kept it read-only as you set it; to use the memory and history, make the file writable (Linux and macOS: chmod u+w; Windows: untick Read-only in its Properties) and restart ocrlay, or turn them off in the settings."
  },
  "memory.advice.read_only_folder": {
    "zh": "ocrlay 保留了你设定的权限；若要使用翻译记忆和历史，请让这个文件夹对你可写（chmod u+w），然后重启 ocrlay，或在设置中关闭它们。",
    "en": "ocrlay kept the folder as you set it; to use the memory and history, make it writable for you (chmod u+w) and restart ocrlay, or turn them off in the settings."
  },
  "memory.advice.permission_denied": {
    "zh": "请确认它属于运行 ocrlay 的用户，且该用户可以读写它，然后重启 ocrlay。",
    "en": "Check that it belongs to the user running ocrlay and that this user may read and write it, then restart ocrlay."
  },
  "memory.advice.retry": {"zh": "请重试；如果一直失败，请重启 ocrlay。", "en": "Try again; if it keeps failing, restart ocrlay."},

  "memory.action.drop_old_lines": {"zh": "删除过期的历史记录", "en": "drop old history lines"},
  "memory.action.drop_oldest_lines": {"zh": "删除最旧的历史记录", "en": "drop the oldest history lines"},
  "memory.action.find_line": {"zh": "查找一条历史记录", "en": "find a history line"},
  "memory.action.update_line": {"zh": "更新一条历史记录", "en": "update a history line"},
  "memory.action.record_line": {"zh": "记录一行", "en": "record a line"},
  "memory.action.read_history": {"zh": "读取历史记录", "en": "read the history"},
  "memory.action.count_history": {"zh": "统计历史记录", "en": "count the history"},
  "memory.action.save_correction": {"zh": "保存修改后的译文", "en": "save a corrected translation"},
  "memory.action.delete_line": {"zh": "删除一条历史记录", "en": "delete a history line"},
  "memory.action.clear_history": {"zh": "清空历史记录", "en": "clear the history"},
  "memory.action.read_for_export": {"zh": "读取要导出的历史记录", "en": "read the history for export"},
  "memory.action.look_up": {"zh": "查找译文", "en": "look up a translation"},
  "memory.action.save_translation": {"zh": "保存译文", "en": "save a translation"},
  "memory.action.count_translations": {"zh": "统计译文数量", "en": "count translations"},
  "memory.action.drop_old_translations": {"zh": "删除旧的译文", "en": "drop old translations"},

  "history.err_export_names_taken": {
    "zh": "已经有一千个名为 {stem}… 的文件",
    "en": "a thousand files named {stem}… already exist"
  }
};
