//! The provider catalog: every translation provider of the provider guide, as data.
//!
//! One entry per provider. The request shape each one expects is asserted against a loopback server in
//! `tests/providers.rs`, one test per entry.

use serde::Serialize;

/// Where a provider lives, as the guide groups them: 国内 / 国外 / 本地.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    /// Mainland-China services (国内): no proxy needed from China.
    Cn,
    /// Services outside China (国外): usually reached through a proxy from China.
    Global,
    /// A model running on the user's machine or reached through a tunnel (本地).
    Local,
}

/// What the API key of a provider looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyFormat {
    /// A single bearer token, required.
    Bearer,
    /// iFlytek Spark: `APIKey:APISecret`, sent as one bearer token.
    KeyColonSecret,
    /// Not needed (local servers); sent only when the user sets one (llama.cpp `--api-key`).
    Optional,
}

/// How the prompt is built for a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PromptStyle {
    /// A general instruction-following chat model.
    General,
    /// The Sakura light-novel translation model (its own fixed system prompt and user template).
    Sakura,
}

/// Request-shape peculiarities of a provider, applied by the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    /// Plain OpenAI chat completions.
    OpenAi,
    /// iFlytek Spark: temperature must lie in (0, 1].
    Spark,
    /// llama.cpp `llama-server`: `GET /health` tells whether the model is still loading.
    LlamaCpp,
}

/// One provider of the catalog.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderInfo {
    /// Stable id used in config files and on the command line.
    pub id: &'static str,
    /// Display name in Chinese.
    pub name_zh: &'static str,
    /// Display name in English.
    pub name: &'static str,
    /// Chat-completions URL. Empty for the custom/relay entry, where the user gives it.
    pub url: &'static str,
    /// Page where the user creates an API key (empty when none is needed).
    pub key_page: &'static str,
    /// Page that lists the provider's models.
    pub models_page: &'static str,
    /// Recommended models, best first. Empty where the user must type one (Doubao endpoint ids).
    pub models: &'static [&'static str],
    /// The guide's notes, in Chinese.
    pub notes_zh: &'static str,
    /// The guide's notes, in English.
    pub notes: &'static str,
    /// 国内 / 国外 / 本地.
    pub region: Region,
    /// Whether users in China usually need a proxy to reach it.
    pub needs_proxy: bool,
    /// What the key looks like.
    pub key_format: KeyFormat,
    /// How prompts are built.
    pub prompt: PromptStyle,
    /// Request-shape quirks.
    pub dialect: Dialect,
    /// Sampling temperature sent by default (`None`: leave it to the server).
    pub default_temperature: Option<f32>,
    /// `top_p` sent by default.
    pub default_top_p: Option<f32>,
}

// A positional constructor keeps each catalog entry to one readable block of its guide's fields.
#[allow(clippy::too_many_arguments)]
const fn online(
    id: &'static str,
    name_zh: &'static str,
    name: &'static str,
    url: &'static str,
    key_page: &'static str,
    models_page: &'static str,
    models: &'static [&'static str],
    region: Region,
) -> ProviderInfo {
    ProviderInfo {
        id,
        name_zh,
        name,
        url,
        key_page,
        models_page,
        models,
        notes_zh: "",
        notes: "",
        region,
        needs_proxy: matches!(region, Region::Global),
        key_format: KeyFormat::Bearer,
        prompt: PromptStyle::General,
        dialect: Dialect::OpenAi,
        default_temperature: Some(0.3),
        default_top_p: None,
    }
}

const fn local(
    id: &'static str,
    name_zh: &'static str,
    name: &'static str,
    url: &'static str,
    prompt: PromptStyle,
    dialect: Dialect,
) -> ProviderInfo {
    let sakura = matches!(prompt, PromptStyle::Sakura);
    ProviderInfo {
        id,
        name_zh,
        name,
        url,
        key_page: "",
        models_page: "",
        models: &[],
        notes_zh: "",
        notes: "",
        region: Region::Local,
        needs_proxy: false,
        key_format: KeyFormat::Optional,
        prompt,
        dialect,
        default_temperature: if sakura { Some(0.1) } else { Some(0.3) },
        default_top_p: if sakura { Some(0.3) } else { None },
    }
}

/// The ssh command the guide gives for a rented GPU (AutoDL): forwards the server's port 6006 to local 8080.
pub const TUNNEL_COMMAND: &str = "ssh -N -L 8080:127.0.0.1:6006 -p <端口/port> root@<主机/host>";

/// Every provider, in the guide's order: 国内, 国外, 本地, then custom.
pub static PROVIDERS: &[ProviderInfo] = &[
    ProviderInfo {
        notes_zh: "深度求索的开源模型，推荐使用。",
        notes: "DeepSeek's open models; a good default.",
        ..online(
            "deepseek",
            "DeepSeek 深度求索",
            "DeepSeek",
            "https://api.deepseek.com/chat/completions",
            "https://platform.deepseek.com/api_keys",
            "https://platform.deepseek.com/api-docs/zh-cn/pricing",
            &["deepseek-chat"],
            Region::Cn,
        )
    },
    ProviderInfo {
        notes_zh: "model 不是模型名称：在火山方舟控制台创建推理接入点后，填写接入点 ID（ep-…）。",
        notes: "The model is not a model name: create an inference endpoint in the Volcengine Ark console and \
                enter its endpoint id (ep-…).",
        ..online(
            "doubao",
            "豆包（火山方舟）",
            "Doubao (Volcengine Ark)",
            "https://ark.cn-beijing.volces.com/api/v3/chat/completions",
            "https://console.volcengine.com/ark/region:ark+cn-beijing/apiKey?apikey=%7B%7D",
            "https://console.volcengine.com/ark/region:ark+cn-beijing/endpoint?current=1&pageSize=10",
            &[],
            Region::Cn,
        )
    },
    ProviderInfo {
        notes_zh: "月之暗面（Moonshot AI）的 Kimi。",
        notes: "Moonshot AI's Kimi.",
        ..online(
            "kimi",
            "Kimi（月之暗面）",
            "Kimi (Moonshot AI)",
            "https://api.moonshot.cn/v1/chat/completions",
            "https://platform.moonshot.cn/console/api-keys",
            "https://platform.moonshot.cn/docs/pricing/chat#计费基本概念",
            &["moonshot-v1-8k"],
            Region::Cn,
        )
    },
    ProviderInfo {
        notes_zh: "智谱 AI 的 GLM 系列；glm-4-flash 可免费使用。",
        notes: "Zhipu AI's GLM models; glm-4-flash is free.",
        ..online(
            "chatglm",
            "ChatGLM（智谱）",
            "ChatGLM (Zhipu AI)",
            "https://open.bigmodel.cn/api/paas/v4/chat/completions",
            "https://bigmodel.cn/usercenter/apikeys",
            "https://bigmodel.cn/dev/howuse/model",
            &["glm-4-flash", "glm-4-plus"],
            Region::Cn,
        )
    },
    ProviderInfo {
        notes_zh: "模型加载平台，可使用国内外主流模型；Qwen/Qwen2.5-7B-Instruct 可免费使用。",
        notes: "A model hosting platform for many open models; Qwen/Qwen2.5-7B-Instruct is free.",
        ..online(
            "siliconflow",
            "硅基流动（平台）",
            "SiliconFlow (platform)",
            "https://api.siliconflow.cn/v1/chat/completions",
            "https://cloud-hk.siliconflow.cn/account/ak",
            "https://cloud.siliconflow.cn/open/models?types=chat",
            &["Qwen/Qwen2.5-7B-Instruct", "deepseek-ai/deepseek-vl2"],
            Region::Cn,
        )
    },
    ProviderInfo {
        notes_zh: "密钥获取参考官方文档：https://cloud.tencent.com/document/product/1729/111008 ；hunyuan-lite 可免费使用。",
        notes: "See the official guide for the key: https://cloud.tencent.com/document/product/1729/111008 ; \
                hunyuan-lite is free.",
        ..online(
            "hunyuan",
            "腾讯混元",
            "Tencent Hunyuan",
            "https://api.hunyuan.cloud.tencent.com/v1/chat/completions",
            "https://cloud.tencent.com/document/product/1729/111008",
            "https://cloud.tencent.com/document/product/1729/104753",
            &["hunyuan-lite", "hunyuan-translation-lite"],
            Region::Cn,
        )
    },
    ProviderInfo {
        notes_zh: "阿里巴巴通义千问（百炼）。qwen-mt-* 是专用翻译模型：只发一条用户消息，语言放在 translation_options。",
        notes: "Alibaba's Qwen (Model Studio). qwen-mt-* are dedicated translation models: one user message, \
                languages in translation_options.",
        ..online(
            "qwen",
            "通义千问",
            "Qwen (Alibaba)",
            "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions",
            "https://bailian.console.aliyun.com/?apiKey=1#/api-key",
            "https://help.aliyun.com/zh/model-studio/getting-started/models",
            &["qwen-mt-turbo", "qwen-mt-plus", "qwen-plus"],
            Region::Cn,
        )
    },
    ProviderInfo {
        notes_zh: "密钥格式为 APIKey:APISecret（在控制台获取 APIKey 和 APISecret 后用英文冒号连接）。temperature 取值 (0, 1]。",
        notes: "The key is APIKey:APISecret (both from the console, joined by a colon). Temperature must be in (0, 1].",
        key_format: KeyFormat::KeyColonSecret,
        dialect: Dialect::Spark,
        ..online(
            "spark",
            "讯飞星火",
            "iFlytek Spark",
            "https://spark-api-open.xf-yun.com/v1/chat/completions",
            "https://www.xfyun.cn/doc/spark/HTTP%E8%B0%83%E7%94%A8%E6%96%87%E6%A1%A3.html#_3-%E8%AF%B7%E6%B1%82%E8%AF%B4%E6%98%8E",
            "https://www.xfyun.cn/doc/spark/HTTP%E8%B0%83%E7%94%A8%E6%96%87%E6%A1%A3.html#_3-2-%E8%AF%B7%E6%B1%82%E5%8F%82%E6%95%B0",
            &["lite"],
            Region::Cn,
        )
    },
    ProviderInfo {
        notes_zh: "需要代理。推理模型（o1/o3/o4/gpt-5）不接受 temperature，ocrlay 会自动省略。",
        notes: "Needs a proxy from China. Reasoning models (o1/o3/o4/gpt-5) reject temperature; ocrlay leaves it out.",
        ..online(
            "openai",
            "ChatGPT（OpenAI）",
            "ChatGPT (OpenAI)",
            "https://api.openai.com/v1/chat/completions",
            "https://platform.openai.com/settings/organization/api-keys",
            "https://openai.com/api/pricing/",
            &["gpt-3.5-turbo-1106", "gpt-4o"],
            Region::Global,
        )
    },
    ProviderInfo {
        notes_zh: "xAI 的 Grok，需要代理。",
        notes: "xAI's Grok; needs a proxy from China.",
        ..online(
            "grok",
            "Grok（xAI）",
            "Grok (xAI)",
            "https://api.x.ai/v1/chat/completions",
            "https://console.x.ai/",
            "https://docs.x.ai/docs/models",
            &["grok-2-1212"],
            Region::Global,
        )
    },
    ProviderInfo {
        notes_zh: "模型加载平台，主要提供 Llama、Gemma 系列，需要代理。",
        notes: "A hosting platform for Llama and Gemma models; needs a proxy from China.",
        ..online(
            "groq",
            "Groq（平台）",
            "Groq (platform)",
            "https://api.groq.com/openai/v1/chat/completions",
            "https://console.groq.com/keys",
            "https://console.groq.com/docs/models",
            &["llama3-8b-8192"],
            Region::Global,
        )
    },
    ProviderInfo {
        notes_zh: "模型聚合平台，提供 GPT-4、Claude 等模型，需要代理。",
        notes: "A router to GPT-4, Claude and many other models; needs a proxy from China.",
        ..online(
            "openrouter",
            "OpenRouter（平台）",
            "OpenRouter (platform)",
            "https://openrouter.ai/api/v1/chat/completions",
            "https://openrouter.ai/settings/keys",
            "https://openrouter.ai/models",
            &["openai/gpt-4o", "anthropic/claude-3.5-sonnet"],
            Region::Global,
        )
    },
    ProviderInfo {
        notes_zh: "需要代理；pixtral-12b-2409 可免费使用。",
        notes: "Needs a proxy from China; pixtral-12b-2409 is free.",
        ..online(
            "mistral",
            "Mistral",
            "Mistral",
            "https://api.mistral.ai/v1/chat/completions",
            "https://console.mistral.ai/api-keys/",
            "https://docs.mistral.ai/getting-started/models/",
            &["pixtral-12b-2409", "mistral-moderation-latest"],
            Region::Global,
        )
    },
    ProviderInfo {
        notes_zh: "用 llama 启动器（llama.cpp 的 llama-server）运行 Sakura 模型，默认地址 127.0.0.1:8080。\
                   需要 8G 以上显存的 N 卡。无需密钥，model 会被忽略。",
        notes: "The Sakura model run by the llama launcher (llama.cpp's llama-server), at 127.0.0.1:8080 by \
                default. Needs an NVIDIA GPU with 8 GB or more. No key needed; the model name is ignored.",
        models: &["sakura-14b-qwen2beta-v0.9.2-iq4xs", "sakura-7b-lnovel-v0.9-Q4_K_M"],
        ..local(
            "sakura-llama",
            "Sakura（llama 启动器）",
            "Sakura (llama.cpp)",
            "http://127.0.0.1:8080/v1/chat/completions",
            PromptStyle::Sakura,
            Dialect::LlamaCpp,
        )
    },
    ProviderInfo {
        notes_zh: "用 text-generation-webui（tgw）运行 Sakura 模型，启动时加 --api，默认端口 5000。",
        notes: "The Sakura model run by text-generation-webui (start it with --api); port 5000 by default.",
        models: &["sakura-14b-qwen2beta-v0.9.2-iq4xs", "sakura-7b-lnovel-v0.9-Q4_K_M"],
        ..local(
            "sakura-tgw",
            "Sakura（tgw 启动器）",
            "Sakura (text-generation-webui)",
            "http://127.0.0.1:5000/v1/chat/completions",
            PromptStyle::Sakura,
            Dialect::OpenAi,
        )
    },
    ProviderInfo {
        notes_zh: "本机的 ollama，默认端口 11434；model 填 ollama list 里的名称。",
        notes: "ollama on this machine, port 11434 by default; the model is a name from `ollama list`.",
        models_page: "https://ollama.com/library",
        ..local(
            "ollama",
            "ollama（本地）",
            "ollama (local)",
            "http://127.0.0.1:11434/v1/chat/completions",
            PromptStyle::General,
            Dialect::OpenAi,
        )
    },
    ProviderInfo {
        notes_zh: "租用显卡（如 AutoDL）运行 Sakura，用 ssh 隧道把服务器的 6006 端口转发到本机 8080：\
                   ssh -N -L 8080:127.0.0.1:6006 -p <端口> root@<主机>，保持该窗口打开后点击测试。",
        notes: "A rented GPU (e.g. AutoDL) running Sakura, reached through an ssh tunnel from local port 8080 to \
                the server's 6006: ssh -N -L 8080:127.0.0.1:6006 -p <port> root@<host>; keep it open, then Test.",
        models: &["sakura-14b-qwen2beta-v0.9.2-iq4xs"],
        ..local(
            "rented-gpu",
            "租用显卡（ssh 隧道）",
            "Rented GPU (ssh tunnel)",
            "http://127.0.0.1:8080/v1/chat/completions",
            PromptStyle::Sakura,
            Dialect::LlamaCpp,
        )
    },
    ProviderInfo {
        id: "custom",
        name_zh: "自定义 / 中转",
        name: "Custom / relay",
        url: "",
        key_page: "",
        models_page: "",
        models: &["gpt-4o", "claude-3-5-sonnet-latest"],
        notes_zh: "任意 OpenAI 兼容接口或中转商提供的地址。只给了域名（如 https://xxx.com）时会自动补全为 \
                   https://xxx.com/v1/chat/completions。",
        notes: "Any OpenAI-compatible API or a relay shop's address. A bare domain (https://xxx.com) is completed \
                to https://xxx.com/v1/chat/completions.",
        region: Region::Global,
        needs_proxy: false,
        key_format: KeyFormat::Bearer,
        prompt: PromptStyle::General,
        dialect: Dialect::OpenAi,
        default_temperature: Some(0.3),
        default_top_p: None,
    },
];

/// Looks a provider up by id.
pub fn find(id: &str) -> Option<&'static ProviderInfo> {
    PROVIDERS.iter().find(|p| p.id == id)
}

/// All provider ids, for error messages.
pub fn ids() -> Vec<&'static str> {
    PROVIDERS.iter().map(|p| p.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_urls_are_absolute() {
        let mut seen = HashSet::new();
        for p in PROVIDERS {
            assert!(seen.insert(p.id), "duplicate id {}", p.id);
            if p.id != "custom" {
                assert!(
                    p.url.ends_with("/chat/completions"),
                    "{}: {} is not a chat-completions URL",
                    p.id,
                    p.url
                );
                url::Url::parse(p.url).expect("catalog URL parses");
            }
            if p.region != Region::Local && p.id != "custom" {
                assert!(
                    p.key_page.starts_with("https://"),
                    "{} has no key page",
                    p.id
                );
                assert!(
                    p.models_page.starts_with("https://"),
                    "{} has no model list",
                    p.id
                );
            }
        }
    }

    #[test]
    fn the_guide_is_covered() {
        for id in [
            "deepseek",
            "doubao",
            "kimi",
            "chatglm",
            "siliconflow",
            "hunyuan",
            "qwen",
            "spark",
            "openai",
            "grok",
            "groq",
            "openrouter",
            "mistral",
            "sakura-llama",
            "sakura-tgw",
            "ollama",
            "rented-gpu",
            "custom",
        ] {
            assert!(find(id).is_some(), "{id} missing from the catalog");
        }
        // The guide repeats Groq's address under OpenRouter by mistake; ours is OpenRouter's own.
        assert_eq!(
            find("openrouter").unwrap().url,
            "https://openrouter.ai/api/v1/chat/completions"
        );
    }
}
