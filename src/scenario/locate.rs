//! Finds the line of a field path such as `call_type[2].handling.mean_s` in
//! the TOML text, so that validation errors can point at the file's line.

use toml::de::{DeTable, DeValue};

/// Maps field paths to source lines. Built once per file.
pub(crate) struct Locator<'a> {
    root: Option<toml::Spanned<DeTable<'a>>>,
    /// Byte offset of the start of each line: a line is found by binary
    /// search, so locating many issues stays linear in the file's size.
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Locator {
            root: DeTable::parse(text).ok(),
            line_starts,
        }
    }

    /// The 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).max(1)
    }

    /// The 1-based line of the deepest existing prefix of `path`.
    pub(crate) fn line(&self, path: &str) -> Option<usize> {
        let root = self.root.as_ref()?;
        let mut span: Option<std::ops::Range<usize>> = None;
        let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
        let mut value: Option<&DeValue<'_>> = None;
        for seg in segments(path) {
            match seg {
                Seg::Key(k) => {
                    let t = match (table, value) {
                        (Some(t), None) => t,
                        (_, Some(DeValue::Table(t))) => t,
                        _ => break,
                    };
                    let Some((_, v)) = t.iter().find(|(key, _)| key.get_ref().as_ref() == k) else {
                        break;
                    };
                    span = Some(v.span());
                    value = Some(v.get_ref());
                    table = None;
                }
                Seg::Index(i) => {
                    let Some(DeValue::Array(a)) = value else {
                        break;
                    };
                    let Some(v) = a.get(i) else { break };
                    span = Some(v.span());
                    value = Some(v.get_ref());
                }
            }
        }
        span.map(|s| self.line_of(s.start))
    }
}

enum Seg<'p> {
    Key(&'p str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(p) => (&part[..p], &part[p..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(i));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_of_nested_fields() {
        let text = "[horizon]\nstart = 2025-01-06\n\n[[call_type]]\nname = \"a\"\n\n[[call_type]]\nname = \"b\"\nhandling = { dist = \"exponential\", mean_s = -1 }\nper = [1, 2,\n 3]\n";
        let loc = Locator::new(text);
        assert_eq!(loc.line("horizon.start"), Some(2));
        assert_eq!(loc.line("call_type[1].name"), Some(8));
        assert_eq!(loc.line("call_type[1].handling.mean_s"), Some(9));
        assert_eq!(loc.line("call_type[1].per[2]"), Some(11));
        assert_eq!(loc.line("call_type[1].missing"), Some(7));
    }
}
