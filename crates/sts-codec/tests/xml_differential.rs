//! Differential tests of `sts_codec::xml::Reader` against quick-xml, and
//! robustness tests on arbitrary and mutated input.

extern crate alloc;

use proptest::prelude::*;
use quick_xml::events::Event as QEvent;
use sts_codec::xml::{Event, Reader, XmlError};

/// An owned event, comparable across both readers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Start(String),
    End(String),
    Text(String),
}

/// Our reader: events up to `Eof`, or the first error. Also checks the
/// robustness properties that must hold on any input.
fn ours(src: &[u8]) -> Result<Vec<Ev>, XmlError> {
    let mut buf = src.to_vec();
    let mut reader = Reader::<'_, 8>::new(&mut buf);
    let mut out = Vec::new();
    let mut text_len = 0;
    // Every event but the last consumes at least one byte, except the `End`
    // of an empty-element tag (4+ bytes for 2 events) and `Eof`.
    for _ in 0..src.len() + 2 {
        match reader.next() {
            Ok(Event::Start(n)) => out.push(Ev::Start(n.0.to_owned())),
            Ok(Event::End(n)) => out.push(Ev::End(n.0.to_owned())),
            Ok(Event::Text(t)) => {
                assert!(!t.is_empty(), "empty text event");
                text_len += t.len();
                assert!(text_len <= src.len(), "more text than input");
                out.push(Ev::Text(t.to_owned()));
            }
            Ok(Event::Eof) => {
                assert_eq!(reader.depth(), 0);
                assert_eq!(reader.next(), Ok(Event::Eof));
                return Ok(out);
            }
            Err(e) => {
                assert!(e.offset <= src.len(), "error offset past the end: {e:?}");
                assert_eq!(reader.next(), Err(e));
                return Err(e);
            }
        }
    }
    panic!("reader did not stop within {} calls", src.len() + 2);
}

/// quick-xml's checks of a tag's attributes (syntax, duplicates, values).
fn checked_attributes(e: &quick_xml::events::BytesStart<'_>) -> Result<(), String> {
    for a in e.attributes().with_checks(true) {
        a.map_err(|e| e.to_string())?
            .unescape_value()
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// quick-xml, post-processed into the same event model: references
/// expanded, CDATA inlined, comments/PIs/declaration dropped, text between
/// two tags coalesced, empty runs and text outside the root dropped, `Empty`
/// split into `Start` + `End`, line ends normalised.
fn theirs(src: &str) -> Result<Vec<Ev>, String> {
    let mut reader = quick_xml::Reader::from_str(src);
    reader.config_mut().trim_text(false);
    let mut out = Vec::new();
    let mut text = String::new();
    let mut depth = 0usize;
    let flush = |text: &mut String, out: &mut Vec<Ev>, depth: usize| {
        if depth > 0 && !text.is_empty() {
            out.push(Ev::Text(core::mem::take(text)));
        }
        text.clear();
    };
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            QEvent::Start(e) => {
                flush(&mut text, &mut out, depth);
                checked_attributes(&e)?;
                depth += 1;
                out.push(Ev::Start(String::from_utf8(e.name().as_ref().to_vec()).unwrap()));
            }
            QEvent::Empty(e) => {
                flush(&mut text, &mut out, depth);
                checked_attributes(&e)?;
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                out.push(Ev::Start(name.clone()));
                out.push(Ev::End(name));
            }
            QEvent::End(e) => {
                flush(&mut text, &mut out, depth);
                depth = depth.saturating_sub(1);
                out.push(Ev::End(String::from_utf8(e.name().as_ref().to_vec()).unwrap()));
            }
            QEvent::Text(t) => {
                let raw = t.xml10_content().map_err(|e| e.to_string())?;
                text.push_str(&quick_xml::escape::unescape(&raw).map_err(|e| e.to_string())?);
            }
            QEvent::GeneralRef(r) => {
                if r.is_char_ref() {
                    let c = r.resolve_char_ref().map_err(|e| e.to_string())?;
                    text.push(c.ok_or("char ref without char")?);
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    let entity = format!("&{name};");
                    text.push_str(&quick_xml::escape::unescape(&entity).map_err(|e| e.to_string())?);
                }
            }
            QEvent::CData(c) => text.push_str(&c.xml10_content().map_err(|e| e.to_string())?),
            QEvent::Comment(_) | QEvent::PI(_) | QEvent::Decl(_) => {}
            QEvent::DocType(_) => return Err("doctype".into()),
            QEvent::Eof => return Ok(out),
        }
    }
}

// ---------------------------------------------------------------- generators

fn name() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["", "", "s:", "ns1:", "é:"]),
        "[A-Za-z_é][A-Za-z0-9_.é-]{0,6}",
    )
        .prop_map(|(prefix, local)| format!("{prefix}{local}"))
}

fn ws() -> impl Strategy<Value = String> {
    "[ \t\n]{0,2}"
}

/// A character XML allows, as a character reference in some spelling.
fn char_ref() -> impl Strategy<Value = String> {
    let code = prop_oneof![
        prop::sample::select(vec![0x9u32, 0xA, 0xD, 0x20, 0x26, 0x3C, 0x5D, 0xFEFF]),
        0x20u32..0x80,
        0x80u32..0xD800,
        0xE000u32..0xFFFE,
        0x1_0000u32..0x11_0000,
    ];
    (code, any::<bool>(), any::<bool>(), 0usize..3).prop_map(|(c, hex, upper, zeros)| {
        let z = "0".repeat(zeros);
        match (hex, upper) {
            (true, true) => format!("&#x{z}{c:X};"),
            (true, false) => format!("&#x{z}{c:x};"),
            (false, _) => format!("&#{z}{c};"),
        }
    })
}

fn entity() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["&lt;", "&gt;", "&amp;", "&apos;", "&quot;"]).prop_map(String::from)
}

fn comment() -> impl Strategy<Value = String> {
    "[a-z <>&\r\n-]{0,8}"
        .prop_filter("no -- in comments", |s| !s.contains("--") && !s.ends_with('-'))
        .prop_map(|s| format!("<!--{s}-->"))
}

fn pi() -> impl Strategy<Value = String> {
    ("[a-wyz_][a-z0-9]{0,4}", prop::option::of("[a-z <>&=\"]{0,8}")).prop_map(|(t, d)| match d {
        Some(d) => format!("<?{t} {d}?>"),
        None => format!("<?{t}?>"),
    })
}

/// A piece of element content that is not an element.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 \t\n>'\"=/?!é€😀-]{1,8}",
        1 => "[a \r\n]{1,4}",
        2 => entity(),
        2 => char_ref(),
        1 => "[a-z <>&\\]'\"\r\né]{0,8}"
            .prop_map(|s| format!("<![CDATA[{}]]>", s.replace("]]>", "]] >"))),
        1 => comment(),
        1 => pi(),
    ]
}

/// An attribute's name, and the attribute with its leading whitespace.
fn attribute() -> impl Strategy<Value = (String, String)> {
    (
        "[ \t\n]{1,2}",
        name(),
        ws(),
        ws(),
        any::<bool>(),
        prop::collection::vec(prop_oneof!["[a-z0-9 >/é]{1,4}", entity(), char_ref()], 0..3),
    )
        .prop_map(|(lead, n, ws1, ws2, single, parts)| {
            let q = if single { '\'' } else { '"' };
            let other = if single { "\"" } else { "'" };
            let attribute = format!("{lead}{n}{ws1}={ws2}{q}{}{other}{q}", parts.concat());
            (n, attribute)
        })
}

fn element(content: BoxedStrategy<String>) -> impl Strategy<Value = String> {
    (
        name(),
        prop::collection::vec(attribute(), 0..3),
        ws(),
        prop::collection::vec(content, 0..5),
        any::<bool>(),
        ws(),
    )
        .prop_map(|(n, attrs, ws1, children, self_close, ws2)| {
            // Well-formed: no attribute name twice in a tag.
            let mut names = alloc::collections::BTreeSet::new();
            let attrs: String = attrs
                .into_iter()
                .filter(|(name, _)| names.insert(name.clone()))
                .map(|(_, a)| a)
                .collect();
            if children.is_empty() && self_close {
                format!("<{n}{attrs}{ws1}/>")
            } else {
                format!("<{n}{attrs}{ws1}>{}</{n}{ws2}>", children.concat())
            }
        })
}

fn content() -> BoxedStrategy<String> {
    piece().prop_recursive(4, 48, 5, |inner| element(inner).boxed()).boxed()
}

fn misc() -> impl Strategy<Value = String> {
    prop::collection::vec(prop_oneof!["[ \t\r\n]{1,3}", comment(), pi()], 0..3).prop_map(|v| v.concat())
}

/// A well-formed document.
fn document() -> impl Strategy<Value = String> {
    (
        prop::option::of(prop::sample::select(vec![
            "<?xml version=\"1.0\"?>",
            "<?xml version='1.0' encoding='UTF-8'?>\n",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n",
        ])),
        misc(),
        element(content().boxed()),
        misc(),
    )
        .prop_map(|(decl, pre, root, post)| format!("{}{pre}{root}{post}", decl.unwrap_or("")))
}

/// Tokens that tend to hit the reader's edge cases.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "/",
    "</",
    "/>",
    "a",
    "b:c",
    " ",
    "\n",
    "\r",
    "\t",
    "=",
    "\"",
    "'",
    "&",
    ";",
    "#",
    "x",
    "&amp;",
    "&#x41;",
    "&#0;",
    "<!--",
    "-->",
    "-",
    "<![CDATA[",
    "]]>",
    "]",
    "<?",
    "?>",
    "xml",
    "<!DOCTYPE",
    "<!",
    "é",
    "😀",
    "\0",
    "\u{FFFE}",
    "\u{FEFF}",
    "<a>",
    "</a>",
    "<a/>",
];

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        prop::collection::vec(prop::sample::select(TOKENS), 0..48),
    )
        .prop_map(|(wrap, v)| {
            let soup = v.concat();
            if wrap { format!("<r>{soup}</r>") } else { soup }.into_bytes()
        })
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, &'static str),
    Replace(usize, u8),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..6).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(i, t)| Mutation::Insert(i, t)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(doc: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut v = doc.as_bytes().to_vec();
    for m in mutations {
        let len = v.len();
        match *m {
            Mutation::Delete(i, n) if len > 0 => {
                let i = i % len;
                v.drain(i..(i + n).min(len));
            }
            Mutation::Insert(i, t) => {
                let i = i % (len + 1);
                v.splice(i..i, t.bytes());
            }
            Mutation::Replace(i, b) if len > 0 => v[i % len] = b,
            Mutation::Truncate(i) => v.truncate(i % (len + 1)),
            _ => {}
        }
    }
    v
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Well-formed documents: same events as quick-xml.
    #[test]
    fn agrees_with_quick_xml(doc in document()) {
        let want = theirs(&doc).map_err(|e| TestCaseError::fail(format!("quick-xml: {e}")))?;
        let got = ours(doc.as_bytes());
        prop_assert_eq!(got, Ok(want), "document: {:?}", doc);
    }

    /// Arbitrary bytes: no panic, bounded number of calls.
    #[test]
    fn arbitrary_bytes_terminate(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = ours(&bytes);
    }

    /// XML-ish token soup: no panic, bounded number of calls, and anything we
    /// accept quick-xml reads the same way.
    #[test]
    fn token_soup_terminates(bytes in token_soup()) {
        if let Ok(got) = ours(&bytes) {
            let src = core::str::from_utf8(&bytes).expect("accepted input is UTF-8");
            prop_assert_eq!(Ok(got), theirs(src), "input: {:?}", src);
        }
    }

    /// Mutated well-formed documents: no panic, bounded number of calls, and
    /// anything we still accept quick-xml reads the same way.
    #[test]
    fn mutated_documents(doc in document(), ms in prop::collection::vec(mutation(), 1..4)) {
        let bytes = mutate(&doc, &ms);
        if let Ok(got) = ours(&bytes) {
            let src = core::str::from_utf8(&bytes).expect("accepted input is UTF-8");
            prop_assert_eq!(Ok(got), theirs(src), "input: {:?}", src);
        }
    }
}

#[test]
fn generator_produces_rich_documents() {
    // Guard against a generator that silently degenerates: sample documents
    // and check the features under test actually occur and parse.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = document();
    let mut seen = [false; 6];
    for _ in 0..500 {
        let doc = strategy.new_tree(&mut runner).unwrap().current();
        assert!(ours(doc.as_bytes()).is_ok(), "{doc:?}");
        for (flag, needle) in seen.iter_mut().zip(["&#", "&amp;", "<![CDATA[", "<!--", "<?", ":"]) {
            *flag |= doc.contains(needle);
        }
    }
    assert_eq!(seen, [true; 6]);
}
