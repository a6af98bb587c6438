//! Webviews: the `ocrlay://` protocol that serves `ui/` and the frozen screenshots, and the builder every
//! window uses (transparent where asked, IPC into the event loop, no navigation away from our pages).

use super::event::{AppEvent, Page};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tao::event_loop::EventLoopProxy;
use tao::window::Window;
use wry::http::{header, Request, Response, StatusCode};
use wry::{WebView, WebViewBuilder};

include!(concat!(env!("OUT_DIR"), "/ui_files.rs"));

/// The policy every page is served with: only our own files, no inline script, no network.
pub const CSP: &str = "default-src 'self' ocrlay:; script-src 'self' ocrlay:; style-src 'self' ocrlay:; \
img-src 'self' ocrlay: data: blob:; font-src 'self' ocrlay: data:; connect-src 'none'; object-src 'none'; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Images the protocol serves under `/shot/…` (the selector's frozen screenshots), by name.
pub type Shots = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// The URL of a page or file.
pub fn url(path: &str) -> String {
    format!("ocrlay://localhost/{path}")
}

/// Whether `url` is one of ocrlay's own pages: `ocrlay://localhost/…`, or `http://ocrlay.localhost/…` (the form
/// WebView2 gives custom protocols on Windows). Parsed, and scheme, host and port compared exactly: a prefix
/// test would let `http://ocrlay.localhost.evil.com/` through.
pub fn is_own_page(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    let host = u.host_str();
    u.port().is_none()
        && u.username().is_empty()
        && u.password().is_none()
        && match u.scheme() {
            "ocrlay" => host == Some("localhost"),
            "http" => host == Some("ocrlay.localhost"),
            _ => false,
        }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("bmp") => "image/bmp",
        _ => "application/octet-stream",
    }
}

/// Answers an `ocrlay://` request.
pub fn serve(request: &Request<Vec<u8>>, shots: &Shots) -> Response<Cow<'static, [u8]>> {
    let path = request.uri().path().trim_start_matches('/');
    let body: Option<Cow<'static, [u8]>> = if let Some(name) = path.strip_prefix("shot/") {
        shots
            .lock()
            .ok()
            .and_then(|s| s.get(name).cloned())
            .map(Cow::Owned)
    } else {
        UI_FILES
            .iter()
            .find(|(n, _)| *n == path)
            .map(|(_, b)| Cow::Borrowed(*b))
    };
    match body {
        Some(b) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, content_type(path))
            .header("Content-Security-Policy", CSP)
            .header(header::CACHE_CONTROL, "no-store")
            .body(b),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Cow::Borrowed(&b"not found"[..])),
    }
    .unwrap_or_else(|_| Response::new(Cow::Borrowed(&b""[..])))
}

/// Builds the webview of a window showing `page` (e.g. `overlay.html`).
pub fn build(
    window: &Window,
    page: &str,
    kind: Page,
    transparent: bool,
    proxy: EventLoopProxy<AppEvent>,
    shots: Shots,
) -> wry::Result<WebView> {
    let builder = WebViewBuilder::new()
        .with_url(url(page))
        .with_transparent(transparent)
        .with_custom_protocol("ocrlay".into(), move |_id, request| serve(&request, &shots))
        .with_ipc_handler(move |request: Request<String>| {
            // Only ocrlay's own pages speak to the core (a page never navigates elsewhere, but be sure).
            let origin = request.uri().to_string();
            if !is_own_page(&origin) {
                tracing::warn!(origin = %origin, "a message from a page that is not ocrlay's was dropped");
                return;
            }
            let _ = proxy.send_event(AppEvent::Ipc {
                page: kind,
                body: request.into_body(),
            });
        })
        // Pages never navigate away: links go to the system browser through `open_url`.
        .with_navigation_handler(|url| is_own_page(&url))
        .with_new_window_req_handler(|_, _| wry::NewWindowResponse::Deny)
        .with_focused(!matches!(kind, Page::Overlay(_)))
        .with_devtools(cfg!(debug_assertions));
    #[cfg(target_os = "linux")]
    {
        use tao::platform::unix::WindowExtUnix;
        use wry::WebViewBuilderExtUnix;
        let vbox = window.default_vbox().ok_or_else(|| {
            wry::Error::Io(std::io::Error::other("the window has no GTK container"))
        })?;
        builder.build_gtk(vbox)
    }
    #[cfg(not(target_os = "linux"))]
    {
        builder.build(window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ocrlays_own_pages_are_its_own() {
        for ok in [
            "ocrlay://localhost/overlay.html",
            "ocrlay://localhost/shot/0.bmp?n=3",
            "http://ocrlay.localhost/settings.html",
        ] {
            assert!(is_own_page(ok), "{ok}");
        }
        for bad in [
            "http://ocrlay.localhost.evil.com/",
            "http://ocrlay.localhost:8080/",
            "http://evil.com/?http://ocrlay.localhost",
            "http://user@ocrlay.localhost/",
            "https://ocrlay.localhost/",
            "ocrlay://evil/overlay.html",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "not a url",
        ] {
            assert!(!is_own_page(bad), "{bad}");
        }
    }

    #[test]
    fn serves_pages_with_csp_and_nothing_else() {
        let shots: Shots = Arc::default();
        shots.lock().unwrap().insert("0.bmp".into(), vec![1, 2, 3]);
        let get = |p: &str| {
            serve(
                &Request::get(format!("ocrlay://localhost/{p}"))
                    .body(vec![])
                    .unwrap(),
                &shots,
            )
        };
        let r = get("shot/0.bmp");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(&**r.body(), &[1, 2, 3]);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/bmp");
        assert_eq!(get("shot/9.bmp").status(), StatusCode::NOT_FOUND);
        assert_eq!(get("../Cargo.toml").status(), StatusCode::NOT_FOUND);
        if let Some((name, _)) = UI_FILES.iter().find(|(n, _)| n.ends_with(".html")) {
            let r = get(name);
            assert_eq!(r.status(), StatusCode::OK);
            assert!(r.headers()["Content-Security-Policy"]
                .to_str()
                .unwrap()
                .contains("script-src 'self'"));
        }
    }
}
