//! A small streaming JSON writer: objects, arrays, strings, numbers,
//! booleans and null, written straight to an `io::Write` with correct
//! escaping and commas.

use std::io::{self, Write};

/// Writes one JSON document. Keys and values are emitted in call order;
/// the writer tracks whether a comma is due.
pub struct JsonWriter<'a> {
    out: &'a mut dyn Write,
    /// One entry per open container: has it got a member yet?
    stack: Vec<bool>,
    /// A key was just written; the next value follows it without a comma.
    after_key: bool,
}

impl<'a> JsonWriter<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        JsonWriter {
            out,
            stack: Vec::new(),
            after_key: false,
        }
    }

    fn separate(&mut self) -> io::Result<()> {
        if self.after_key {
            self.after_key = false;
            return Ok(());
        }
        if let Some(has_member) = self.stack.last_mut() {
            if *has_member {
                self.out.write_all(b",")?;
            }
            *has_member = true;
        }
        Ok(())
    }

    pub fn begin_object(&mut self) -> io::Result<()> {
        self.separate()?;
        self.stack.push(false);
        self.out.write_all(b"{")
    }

    pub fn end_object(&mut self) -> io::Result<()> {
        self.stack.pop();
        self.out.write_all(b"}")
    }

    pub fn begin_array(&mut self) -> io::Result<()> {
        self.separate()?;
        self.stack.push(false);
        self.out.write_all(b"[")
    }

    pub fn end_array(&mut self) -> io::Result<()> {
        self.stack.pop();
        self.out.write_all(b"]")
    }

    pub fn key(&mut self, key: &str) -> io::Result<()> {
        self.separate()?;
        write_string(self.out, key)?;
        self.out.write_all(b":")?;
        self.after_key = true;
        Ok(())
    }

    pub fn string(&mut self, value: &str) -> io::Result<()> {
        self.separate()?;
        write_string(self.out, value)
    }

    pub fn number(&mut self, value: u64) -> io::Result<()> {
        self.separate()?;
        write!(self.out, "{value}")
    }

    pub fn signed(&mut self, value: i64) -> io::Result<()> {
        self.separate()?;
        write!(self.out, "{value}")
    }

    pub fn boolean(&mut self, value: bool) -> io::Result<()> {
        self.separate()?;
        self.out.write_all(if value { b"true" } else { b"false" })
    }

    pub fn null(&mut self) -> io::Result<()> {
        self.separate()?;
        self.out.write_all(b"null")
    }

    /// `"key": "value"`.
    pub fn field_str(&mut self, key: &str, value: &str) -> io::Result<()> {
        self.key(key)?;
        self.string(value)
    }

    /// `"key": number`.
    pub fn field_u64(&mut self, key: &str, value: u64) -> io::Result<()> {
        self.key(key)?;
        self.number(value)
    }

    /// `"key": true|false`.
    pub fn field_bool(&mut self, key: &str, value: bool) -> io::Result<()> {
        self.key(key)?;
        self.boolean(value)
    }

    /// `"key": "value"` or `"key": null`.
    pub fn field_opt_str(
        &mut self,
        key: &str,
        value: Option<&str>,
    ) -> io::Result<()> {
        self.key(key)?;
        match value {
            Some(v) => self.string(v),
            None => self.null(),
        }
    }

    /// Finish the document with a newline.
    pub fn finish(self) -> io::Result<()> {
        self.out.write_all(b"\n")
    }
}

fn write_string(out: &mut dyn Write, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        match escape {
            Some(e) => out.write_all(e)?,
            None => write!(out, "\\u{b:04x}")?,
        }
        start = i + 1;
    }
    out.write_all(&bytes[start..])?;
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_containers_get_commas() {
        let mut buf = Vec::new();
        let mut w = JsonWriter::new(&mut buf);
        w.begin_object().unwrap();
        w.field_str("a", "x\"y\n\u{1}").unwrap();
        w.key("list").unwrap();
        w.begin_array().unwrap();
        w.number(1).unwrap();
        w.begin_object().unwrap();
        w.field_bool("t", true).unwrap();
        w.field_opt_str("n", None).unwrap();
        w.end_object().unwrap();
        w.signed(-2).unwrap();
        w.end_array().unwrap();
        w.end_object().unwrap();
        w.finish().unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"a\":\"x\\\"y\\n\\u0001\",\"list\":[1,{\"t\":true,\"n\":null},-2]}\n"
        );
    }
}
