//! The iteration order of Java's `HashSet<String>`, so that differences come out in the order
//! Confluent's checker (which walks message names through hash sets) reports them.
//!
//! A `HashMap` iterates bucket by bucket, each bucket in insertion order (resizing keeps that
//! order); the bucket is the spread `String.hashCode()` masked by the table size.

/// Java's `new HashSet<>(first)` followed by `addAll(second)`, where `first` and `second` are
/// each the key set of a default-sized `HashMap` filled in the order given.
pub(super) fn union_order(first: &[String], second: &[String]) -> Vec<String> {
    let first = JavaHashSet::filled(16, first).iter();
    let initial = ((first.len() as f32 / 0.75f32) as usize + 1).max(16);
    let mut set = JavaHashSet::filled(initial.next_power_of_two(), &first);
    for name in JavaHashSet::filled(16, second).iter() {
        set.insert(&name);
    }
    set.iter()
}

struct JavaHashSet {
    capacity: usize,
    entries: Vec<String>,
}

impl JavaHashSet {
    fn filled(capacity: usize, names: &[String]) -> Self {
        let mut set = JavaHashSet {
            capacity,
            entries: Vec::new(),
        };
        for name in names {
            set.insert(name);
        }
        set
    }

    fn insert(&mut self, name: &str) {
        if self.entries.iter().any(|e| e == name) {
            return;
        }
        self.entries.push(name.to_string());
        if self.entries.len() * 4 > self.capacity * 3 {
            self.capacity *= 2;
        }
    }

    fn iter(&self) -> Vec<String> {
        let mask = self.capacity - 1;
        let mut ordered: Vec<&String> = self.entries.iter().collect();
        ordered.sort_by_key(|name| spread(java_hash(name)) as usize & mask);
        ordered.into_iter().cloned().collect()
    }
}

/// Java's `String.hashCode()`.
fn java_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// Java's `HashMap.hash()`: the high half folded into the low half.
fn spread(h: i32) -> u32 {
    let h = h as u32;
    h ^ (h >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hash_matches_known_values() {
        assert_eq!(java_hash("Msg"), 77_665);
        assert_eq!(java_hash(""), 0);
        assert_eq!(java_hash("hello"), 99_162_322);
    }

    #[test]
    fn names_iterate_by_bucket_then_insertion() {
        let names: Vec<String> = ["B", "A", "C"].iter().map(|s| s.to_string()).collect();
        // "A".."C" hash to 65..67: buckets 1..3 of a 16-slot table.
        assert_eq!(union_order(&names, &[]), vec!["A", "B", "C"]);
    }
}
