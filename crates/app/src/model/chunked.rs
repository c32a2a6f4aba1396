//! [`Chunked<T>`]: a vector that stays cheap to copy and to extend while older copies live.
//!
//! The app keeps every earlier state alive for a while (Yew holds the previous state, props
//! hold their values, a lesson keeps its own run), so the model's logs cannot be `Vec`s that a
//! click copies whole. A `Chunked` keeps its items in chunks of [`CHUNK`] behind `Rc`s:
//! copying it copies one pointer per chunk, and writing copies only the chunk written to when
//! another copy shares it. So extending a copy costs what is added (plus at most one chunk),
//! however long the log already is.

use std::fmt;
use std::rc::Rc;

/// Items per chunk: a click's extension copies at most this many items of a shared last
/// chunk, and a copy of the whole vector costs one pointer per this many items.
pub const CHUNK: usize = 256;

/// An append-mostly vector with cheap copies (see the module's documentation).
pub struct Chunked<T> {
    /// Every chunk but the last is full; none is empty.
    chunks: Vec<Rc<Vec<T>>>,
    len: usize,
}

impl<T> Chunked<T> {
    pub const fn new() -> Chunked<T> {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    pub fn first(&self) -> Option<&T> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&T> {
        self.chunks.last()?.last()
    }

    /// The items in order.
    pub fn iter(&self) -> Iter<'_, T> {
        self.iter_from(0)
    }

    /// The items from index `from` on.
    pub fn iter_from(&self, from: usize) -> Iter<'_, T> {
        let mut chunks = self.chunks.get(from / CHUNK..).unwrap_or_default().iter();
        let items = match chunks.next() {
            Some(first) => first.get(from % CHUNK..).unwrap_or_default().iter(),
            None => [].iter(),
        };
        Iter { chunks, items }
    }

    /// The index of the first item for which `pred` is false, assuming it is true for a
    /// prefix and false after (like `slice::partition_point`).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        // Whole chunks first, by their last item; then inside the chunk found.
        let chunk = self
            .chunks
            .partition_point(|c| c.last().is_some_and(&mut pred));
        match self.chunks.get(chunk) {
            Some(c) => chunk * CHUNK + c.partition_point(pred),
            None => self.len,
        }
    }

    /// The chunks themselves, for a reader that summarises each one (see `CHUNK`).
    pub fn chunks(&self) -> impl Iterator<Item = &[T]> + '_ {
        self.chunks.iter().map(|c| c.as_slice())
    }
}

impl<T: Clone> Chunked<T> {
    pub fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => Rc::make_mut(last).push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(item);
                self.chunks.push(Rc::new(chunk));
            }
        }
        self.len += 1;
    }

    /// The item at `i`, to change: its chunk is copied first if another copy shares it.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        let chunk = self.chunks.get_mut(i / CHUNK)?;
        if i % CHUNK >= chunk.len() {
            return None;
        }
        Rc::make_mut(chunk).get_mut(i % CHUNK)
    }

    pub fn last_mut(&mut self) -> Option<&mut T> {
        let i = self.len.checked_sub(1)?;
        self.get_mut(i)
    }

    /// Keeps the first `len` items.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.chunks.truncate(len.div_ceil(CHUNK));
        if let Some(last) = self.chunks.last_mut() {
            let keep = len - (len - 1) / CHUNK * CHUNK;
            if last.len() > keep {
                Rc::make_mut(last).truncate(keep);
            }
        }
        self.len = len;
    }
}

/// The items of a [`Chunked`] in order. (A plain iterator rather than `flat_map`: it is
/// instantiated for every item type, and its one small `next` keeps the bundle small.)
pub struct Iter<'a, T> {
    chunks: std::slice::Iter<'a, Rc<Vec<T>>>,
    items: std::slice::Iter<'a, T>,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(item) = self.items.next() {
                return Some(item);
            }
            self.items = self.chunks.next()?.iter();
        }
    }
}

impl<T> Clone for Chunked<T> {
    /// One pointer per chunk: the items are shared.
    fn clone(&self) -> Chunked<T> {
        Chunked {
            chunks: self.chunks.clone(),
            len: self.len,
        }
    }
}

impl<T> Default for Chunked<T> {
    fn default() -> Chunked<T> {
        Chunked::new()
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Chunked<T> {
        let mut out = Chunked::new();
        out.extend(items);
        out
    }
}

impl<T: Clone> Extend<T> for Chunked<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

impl<T: PartialEq> PartialEq for Chunked<T> {
    /// Item by item (the property tests compare an extended log with a rebuilt one).
    fn eq(&self, other: &Chunked<T>) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: fmt::Debug> fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_reads_like_a_vec_across_chunks() {
        let n = 3 * CHUNK + 5;
        let v: Chunked<usize> = (0..n).collect();
        assert_eq!(v.len(), n);
        assert_eq!(v[CHUNK], CHUNK);
        assert_eq!(v.get(n), None);
        assert_eq!(v.last(), Some(&(n - 1)));
        assert!(v.iter().copied().eq(0..n));
        for from in [0, 1, CHUNK - 1, CHUNK, 2 * CHUNK + 3, n, n + 7] {
            assert!(v.iter_from(from).copied().eq(from.min(n)..n), "from {from}");
        }
    }

    #[test]
    fn partition_point_agrees_with_the_slice_one() {
        let items: Vec<usize> = (0..2 * CHUNK + 17).map(|i| i / 3).collect();
        let v: Chunked<usize> = items.iter().copied().collect();
        for x in [0, 1, 50, CHUNK / 3, items.len() / 3, 10_000] {
            assert_eq!(
                v.partition_point(|&i| i < x),
                items.partition_point(|&i| i < x),
                "{x}"
            );
        }
        assert_eq!(Chunked::<usize>::new().partition_point(|_| true), 0);
    }

    #[test]
    fn a_copy_is_untouched_by_writes_to_the_original() {
        let mut v: Chunked<usize> = (0..CHUNK + 3).collect();
        let copy = v.clone();
        v.push(99);
        *v.get_mut(0).unwrap() = 7;
        *v.last_mut().unwrap() += 1;
        assert_eq!(copy.len(), CHUNK + 3);
        assert_eq!(copy[0], 0);
        assert_eq!(v[0], 7);
        assert_eq!(v.last(), Some(&100));
    }

    #[test]
    fn extending_a_copy_shares_every_full_chunk() {
        let v: Chunked<usize> = (0..4 * CHUNK + 1).collect();
        let mut w = v.clone();
        w.push(0);
        let shared = v
            .chunks
            .iter()
            .zip(&w.chunks)
            .filter(|(a, b)| Rc::ptr_eq(a, b))
            .count();
        assert_eq!(shared, 4, "only the last chunk was copied");
    }

    #[test]
    fn truncate_keeps_a_prefix_and_leaves_copies_whole() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK] {
            let mut v: Chunked<usize> = (0..2 * CHUNK + 9).collect();
            let copy = v.clone();
            v.truncate(len);
            assert!(v.iter().copied().eq(0..len), "{len}");
            assert_eq!(v.len(), len);
            v.push(1000);
            assert_eq!(v[len], 1000);
            assert!(copy.iter().copied().eq(0..2 * CHUNK + 9));
        }
    }
}
