//! Text of an SVG drawn as paths: plotters writes `<text>` elements that a
//! viewer renders with whatever font it has, so a plot would look different
//! on every machine. [`text_to_paths`] replaces each one with the outlines
//! of the embedded DejaVu Sans glyphs (each glyph defined once in `<defs>`
//! and placed with `<use>`), laid out as the PNG is, and keeps the text as
//! an `aria-label` for search and screen readers.

use std::collections::BTreeMap;
use std::fmt::Write;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve};

/// DejaVu Sans x-height, in em (1120 / 2048): `0.5ex` as a viewer reads it.
const X_HEIGHT_EM: f32 = 0.547;

struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn fonts() -> Option<Fonts> {
    Some(Fonts {
        regular: FontRef::try_from_slice(dejavu::sans::regular()).ok()?,
        bold: FontRef::try_from_slice(dejavu::sans::bold()).ok()?,
    })
}

/// The value of attribute `name` in an opening tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let end = tag[at..].find('"')?;
    Some(&tag[at..at + end])
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Path data of a glyph in font units, y pointing down (SVG).
fn glyph_path(font: &FontRef<'static>, id: GlyphId) -> String {
    let mut d = String::new();
    let Some(outline) = font.outline(id) else {
        return d;
    };
    let mut last: Option<ab_glyph::Point> = None;
    let p = |q: ab_glyph::Point| format!("{} {}", q.x, -q.y);
    for c in &outline.curves {
        let (start, end) = match c {
            OutlineCurve::Line(a, b) => (*a, *b),
            OutlineCurve::Quad(a, _, b) => (*a, *b),
            OutlineCurve::Cubic(a, _, _, b) => (*a, *b),
        };
        if last != Some(start) {
            if last.is_some() {
                d.push('Z');
            }
            let _ = write!(d, "M{}", p(start));
        }
        match c {
            OutlineCurve::Line(_, b) => {
                let _ = write!(d, "L{}", p(*b));
            }
            OutlineCurve::Quad(_, c1, b) => {
                let _ = write!(d, "Q{} {}", p(*c1), p(*b));
            }
            OutlineCurve::Cubic(_, c1, c2, b) => {
                let _ = write!(d, "C{} {} {}", p(*c1), p(*c2), p(*b));
            }
        }
        last = Some(end);
    }
    if last.is_some() {
        d.push('Z');
    }
    d
}

/// Replaces every `<text>` element of an SVG written by plotters with the
/// glyph outlines of the embedded font. `prefix` makes the glyph ids unique
/// when several SVGs are inlined in one HTML page. An SVG whose text cannot
/// be read is returned unchanged.
pub fn text_to_paths(svg: &str, prefix: &str) -> String {
    let Some(f) = fonts() else {
        return svg.to_string();
    };
    let mut defs: BTreeMap<(bool, u16), String> = BTreeMap::new();
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find("<text") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (Some(open_end), Some(close)) = (tail.find('>'), tail.find("</text>")) else {
            out.push_str(tail);
            rest = "";
            break;
        };
        let tag = &tail[..open_end];
        let text = unescape(tail[open_end + 1..close].trim_matches('\n'));
        rest = &tail[close + "</text>".len()..];
        let num = |name: &str| attr(tag, name).and_then(|v| v.parse::<f32>().ok());
        let (Some(x), Some(y), Some(size)) = (num("x"), num("y"), num("font-size")) else {
            continue;
        };
        let bold = attr(tag, "font-weight") == Some("bold");
        let font = if bold { &f.bold } else { &f.regular };
        let upem = font.units_per_em().unwrap_or(2048.0);
        let scale = size / upem;
        let mut ids = Vec::new();
        let mut width = 0.0f32;
        let mut prev: Option<GlyphId> = None;
        for ch in text.chars() {
            let id = font.glyph_id(ch);
            if let Some(p) = prev {
                width += font.kern_unscaled(p, id);
            }
            ids.push((width, id));
            width += font.h_advance_unscaled(id);
            prev = Some(id);
        }
        let x0 = match attr(tag, "text-anchor") {
            Some("middle") => x - width * scale / 2.0,
            Some("end") => x - width * scale,
            _ => x,
        };
        let dy = match attr(tag, "dy") {
            Some("0.76em") => 0.76 * size,
            Some("0.5ex") => 0.5 * X_HEIGHT_EM * size,
            Some("-0.5ex") => -0.5 * X_HEIGHT_EM * size,
            _ => 0.0,
        };
        let _ = write!(
            out,
            "<g aria-label=\"{}\" fill=\"{}\" opacity=\"{}\"",
            tail[open_end + 1..close].trim_matches('\n'),
            attr(tag, "fill").unwrap_or("#000000"),
            attr(tag, "opacity").unwrap_or("1")
        );
        if let Some(t) = attr(tag, "transform") {
            let _ = write!(out, " transform=\"{t}\"");
        }
        out.push('>');
        for (dx, id) in ids {
            let key = (bold, id.0);
            if defs
                .entry(key)
                .or_insert_with(|| glyph_path(font, id))
                .is_empty()
            {
                continue; // a space
            }
            let _ = write!(
                out,
                "<use href=\"#{prefix}-{}{}\" transform=\"translate({} {}) scale({})\"/>",
                if bold { 'b' } else { 'r' },
                id.0,
                x0 + dx * scale,
                y + dy,
                scale
            );
        }
        out.push_str("</g>");
    }
    out.push_str(rest);
    if defs.is_empty() {
        return out;
    }
    let mut d = String::from("<defs>");
    for ((bold, id), path) in &defs {
        if !path.is_empty() {
            let _ = write!(
                d,
                "<path id=\"{prefix}-{}{id}\" d=\"{path}\"/>",
                if *bold { 'b' } else { 'r' }
            );
        }
    }
    d.push_str("</defs>\n");
    // The definitions go right after the opening <svg ...> tag.
    match out
        .find("<svg")
        .and_then(|i| out[i..].find('>').map(|j| i + j + 1))
    {
        Some(i) => {
            out.insert_str(i, &format!("\n{d}"));
            out
        }
        None => svg.to_string(),
    }
}
