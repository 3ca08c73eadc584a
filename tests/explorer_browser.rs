//! The policy explorer in a real headless browser: Debian's `chromium` driven through
//! `chromedriver` (WebDriver) by `fantoccini`, against `datalex serve` on a free loopback port.
//!
//! It opens a regulation, follows an article to its rule and back, changes the "as of" date and
//! sees another text, submits a request of each kind (the requests of
//! `tests/explain_documents/`) and reads the effect and the due dates in the page, and opens the
//! decision by its id. A screenshot of each page is saved under
//! `target/explorer-screenshots/` (an artifact, not compared). In the same run axe-core
//! (`tests/a11y`, installed by `npm ci`) is injected into each page and the test fails on any
//! serious or critical violation; at a 640-pixel-wide window (1280 at 200 % zoom) no page may
//! scroll sideways.
//!
//! Without chromium, chromedriver or axe-core the test says so and what is missing, and passes;
//! under CI (`CI` set) it fails instead, since `.ci/run` installs them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

fn axe_source() -> Option<String> {
    std::fs::read_to_string(common::root().join("tests/a11y/node_modules/axe-core/axe.min.js")).ok()
}

/// What is missing to run the test here, if anything.
fn missing() -> Vec<&'static str> {
    let mut out = Vec::new();
    if on_path(&["chromium", "chromium-browser", "google-chrome"]).is_none() {
        out.push("chromium");
    }
    if on_path(&["chromedriver"]).is_none() {
        out.push("chromedriver");
    }
    if axe_source().is_none() {
        out.push("axe-core (cd tests/a11y && npm ci)");
    }
    out
}

fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if ready() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not start");
}

fn screenshots() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::root().join("target"));
    let dir = target.join("explorer-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Browser {
    c: Client,
    base: String,
    shots: PathBuf,
    axe: String,
}

impl Browser {
    async fn open(&self, path: &str) {
        self.c
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }

    async fn text(&self, css: &str) -> String {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    async fn path(&self) -> String {
        let url = self.c.current_url().await.unwrap();
        url.path().to_string()
    }

    /// Saves a screenshot, runs axe-core on the page, and checks that it does not scroll
    /// sideways.
    async fn check(&self, name: &str) {
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
        self.c.execute(&self.axe, vec![]).await.unwrap();
        let result = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact,
                     help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }))))
                   .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e) }]));",
                vec![],
            )
            .await
            .unwrap();
        let violations = result.as_array().cloned().unwrap_or_default();
        let serious: Vec<&Value> = violations
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        for v in &violations {
            println!("{name}: axe {} ({}) {}", v["id"], v["impact"], v["help"]);
        }
        assert!(
            serious.is_empty(),
            "{name}: serious accessibility violations: {serious:#?}"
        );
    }

    /// Waits until the browser is at a URL whose query has `part` (a submitted form's page).
    async fn wait_for_query(&self, part: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let url = self.c.current_url().await.unwrap();
            if url.query().is_some_and(|q| q.contains(part)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the browser never reached a page with `{part}`");
    }

    /// Whether the page fits the window's width (no sideways scrolling).
    async fn fits(&self, name: &str) {
        let w = self
            .c
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, inner) = (w[0].as_f64().unwrap(), w[1].as_f64().unwrap());
        assert!(
            scroll <= inner + 1.0,
            "{name}: the page is {scroll}px wide in a {inner}px window"
        );
    }

    /// Fills the request form with the fields of `request` (names as the form has them:
    /// `requester.type` for a record's field) and submits it with its button.
    async fn submit_request(&self, request: &Value) {
        let mut fields = serde_json::Map::new();
        for (k, v) in request.as_object().unwrap() {
            if k == "kind" || k == "jurisdiction" {
                continue;
            }
            match v {
                Value::Object(sub) => {
                    for (sk, sv) in sub {
                        fields.insert(format!("{k}.{sk}"), sv.clone());
                    }
                }
                other => {
                    fields.insert(k.clone(), other.clone());
                }
            }
        }
        // Set each control as a person would leave it: a select's options chosen, a date or
        // text typed; every field the request names must exist in the form.
        let missing = self
            .c
            .execute(
                "const fields = arguments[0]; const missing = [];
                 for (const [name, value] of Object.entries(fields)) {
                   const el = document.querySelector(`form.request [name=\"${name}\"]`);
                   if (!el) { missing.push(name); continue; }
                   const values = (Array.isArray(value) ? value : [value]).map(String);
                   if (el.tagName === 'SELECT') {
                     for (const o of el.options) o.selected = values.includes(o.value);
                     if (!values.every(v => [...el.options].some(o => o.value === v))) missing.push(name);
                   } else {
                     el.value = values.join(', ');
                   }
                 }
                 return missing;",
                vec![Value::Object(fields)],
            )
            .await
            .unwrap();
        assert_eq!(
            missing,
            json!([]),
            "fields of {request} the form cannot take"
        );
        self.c
            .find(Locator::Css("form.request button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // The decision's page has loaded when its outcome section is there.
        self.c
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#outcome"))
            .await
            .unwrap_or_else(|e| panic!("no decision for {request}: {e}"));
    }
}

#[test]
fn the_explorer_in_a_headless_browser() {
    let missing = missing();
    if !missing.is_empty() {
        let why = format!(
            "skipped: no chromium/chromedriver — missing {} (.ci/run installs them)",
            missing.join(", ")
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "{why}; CI must run this test"
        );
        println!("{why}");
        eprintln!("{why}");
        return;
    }
    let root = common::root();
    let logdir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = Killed(
        Command::new(env!("CARGO_BIN_EXE_datalex"))
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--log",
                logdir.path().join("decisions.db").to_str().unwrap(),
            ])
            .current_dir(&root)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("datalex serve starts"),
    );
    wait_until("datalex serve", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let driver_port = free_port();
    let driver = Killed(
        Command::new(on_path(&["chromedriver"]).unwrap())
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    wait_until("chromedriver", || {
        std::net::TcpStream::connect(("127.0.0.1", driver_port)).is_ok()
    });
    let chromium = on_path(&["chromium", "chromium-browser", "google-chrome"]).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(drive(
        &base,
        driver_port,
        &chromium,
        &root.join("tests/explain_documents"),
    ));
    drop(driver);
    drop(server);
}

async fn drive(base: &str, driver_port: u16, chromium: &Path, requests: &Path) {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1400", "--lang=zh-CN", "--force-device-scale-factor=1"],
            // Chinese by the browser's Accept-Language, as a reader in China gets it.
            "prefs": { "intl.accept_languages": "zh-CN,zh" },
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let c = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a WebDriver session");
    let b = Browser {
        c,
        base: base.to_string(),
        shots: screenshots(),
        axe: axe_source().unwrap(),
    };

    // The jurisdictions, then a regulation by its link.
    b.open("/?lang=zh").await;
    assert!(b.text("h1").await.contains("辖区与法规"));
    b.check("01-jurisdictions").await;
    b.c.find(Locator::Css(
        "table.sources a[href^='/regulations/binzhou-2023']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    assert!(b.path().await.starts_with("/regulations/binzhou-2023"));
    assert!(b.text("h1").await.contains("滨州市公共数据管理办法"));
    b.check("02-regulation").await;

    // An article to its rule, and back by the rule's citation.
    let rule_link =
        b.c.find(Locator::Css("#art-20 .rules a[href^='/rules/']"))
            .await
            .unwrap();
    let rule_name = rule_link.text().await.unwrap();
    rule_link.click().await.unwrap();
    assert_eq!(b.path().await, format!("/rules/{rule_name}"));
    assert!(b.text("h1").await.contains(&rule_name));
    assert!(b.c.find(Locator::Css("figure.graph svg")).await.is_ok());
    b.check("03-rule").await;
    b.c.find(Locator::Css(
        "a[href^='/regulations/binzhou-2023'][href$='#art-20']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    assert_eq!(b.path().await, "/regulations/binzhou-2023");
    let fragment =
        b.c.current_url()
            .await
            .unwrap()
            .fragment()
            .map(str::to_string);
    assert_eq!(fragment.as_deref(), Some("art-20"));
    assert!(b.text("#art-20").await.contains(&rule_name));

    // The "as of" date: 济南's plan, article 1, in force until 2023-12-31.
    b.open("/regulations/jinan-2021").await;
    for (day, in_force) in [("2022-06-01", true), ("2024-06-01", false)] {
        let form = b.c.form(Locator::Css("form.as-of")).await.unwrap();
        form.set_by_name("at", day).await.unwrap();
        form.submit().await.unwrap();
        b.wait_for_query(&format!("at={day}")).await;
        let text = b.text("#art-1").await;
        assert_eq!(text.contains("按照查缺补漏"), in_force, "{day}: {text}");
        assert_eq!(text.contains("不在施行期间"), !in_force, "{day}: {text}");
    }
    b.check("04-as-of").await;

    // A request of each kind through its form: the effect and every due date in the page.
    let mut files: Vec<PathBuf> = std::fs::read_dir(requests)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut kinds = std::collections::BTreeSet::new();
    let mut last_id = String::new();
    for file in &files {
        let request: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let (j, kind) = (
            request["jurisdiction"].as_str().unwrap(),
            request["kind"].as_str().unwrap(),
        );
        kinds.insert(kind.to_string());
        b.open(&format!("/try?jurisdiction={j}&kind={kind}")).await;
        b.submit_request(&request).await;
        // Decided by POST; the page links to the form filled with the request, to share.
        let share =
            b.c.find(Locator::Css("#share-link"))
                .await
                .unwrap_or_else(|e| panic!("{}: no share link: {e}", file.display()))
                .attr("href")
                .await
                .unwrap()
                .unwrap_or_default();
        assert!(
            share.starts_with("/try?") && share.contains(&format!("kind={kind}")),
            "the link carries the request: {share}"
        );
        let json_text =
            b.c.find(Locator::Css("details.json pre"))
                .await
                .unwrap_or_else(|e| panic!("{}: no decision: {e}", file.display()))
                .prop("textContent")
                .await
                .unwrap()
                .unwrap();
        let decision: Value = serde_json::from_str(&json_text).unwrap();
        let document = b.text(".document").await;
        let effect_word = match decision["effect"].as_str().unwrap() {
            "permit" => "准予",
            "deny" => "不予",
            _ => "待审核",
        };
        assert!(
            document.contains(effect_word),
            "{}: {effect_word} not in\n{document}",
            file.display()
        );
        for d in decision["deadlines"].as_array().unwrap() {
            let due = d["due"].as_str().unwrap();
            let (y, m, day) = (
                &due[0..4],
                due[5..7].trim_start_matches('0'),
                due[8..10].trim_start_matches('0'),
            );
            let chinese = format!("{y}年{m}月{day}日");
            assert!(
                document.contains(due) || document.contains(&chinese),
                "{}: due {due} not in\n{document}",
                file.display()
            );
        }
        last_id = decision["decision_id"].as_str().unwrap().to_string();
        let stem = file.file_stem().unwrap().to_string_lossy().to_string();
        b.check(&format!("05-try-{stem}")).await;
    }
    assert!(kinds.len() >= 11, "every kind: {kinds:?}");

    // The decision by its id, from the page's link.
    b.c.find(Locator::Css("#decision-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.path().await, format!("/log/{last_id}"));
    assert!(b.text("main").await.contains(&last_id));
    b.check("06-decision").await;
    b.open("/log").await;
    assert!(b.text("table").await.contains(&last_id));
    b.check("07-log").await;
    b.open("/log/verify").await;
    assert!(b.text("main").await.contains("完整"));
    b.check("08-verify").await;
    b.open("/changes").await;
    b.check("09-changes").await;
    b.open("/regulations/binzhou-2023?lang=en").await;
    b.check("10-regulation-en").await;

    // 200 % zoom: a window half as wide, every page without sideways scrolling.
    b.c.set_window_size(640, 1000).await.unwrap();
    for (name, path) in [
        ("11-zoom-regulation", "/regulations/binzhou-2023"),
        ("12-zoom-rule", "/rules/binzhou.conditional_share"),
        ("13-zoom-try", "/try"),
        ("14-zoom-jurisdictions", "/"),
    ] {
        b.open(path).await;
        b.fits(name).await;
        let png = b.c.screenshot().await.unwrap();
        std::fs::write(b.shots.join(format!("{name}.png")), png).unwrap();
    }
    b.c.close().await.unwrap();
}
