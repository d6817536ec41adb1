//! The iteration order of Java's `HashMap`/`HashSet` of strings, which decides the order in which
//! Confluent visits properties and therefore the order of its messages.
//!
//! A Java hash table iterates bucket by bucket (bucket = spread `String.hashCode()` masked by the
//! table size), and within a bucket in insertion order; resizing keeps that relative order. So the
//! order is a stable sort of the insertion sequence by bucket index in the final table.

/// Returns `keys` (distinct, in insertion order) in the order a Java `HashSet` created with
/// `initial_capacity` iterates them once all are added.
pub(super) fn hash_set_order(keys: Vec<String>, initial_capacity: usize) -> Vec<String> {
    let mut table = initial_capacity.max(1).next_power_of_two();
    while keys.len() > table / 4 * 3 {
        table *= 2;
    }
    let mut ordered: Vec<(usize, String)> = keys
        .into_iter()
        .map(|key| (bucket(&key, table), key))
        .collect();
    ordered.sort_by_key(|(bucket, _)| *bucket);
    ordered.into_iter().map(|(_, key)| key).collect()
}

/// The order of `HashMap::keySet()` for keys put in this order into a `new HashMap<>()`.
pub(super) fn hash_map_order(keys: Vec<String>) -> Vec<String> {
    hash_set_order(keys, 16)
}

/// The order of `new HashSet<>(first); addAll(second)`, where `first` is already in its own
/// iteration order.
pub(super) fn union_order(first: Vec<String>, second: Vec<String>) -> Vec<String> {
    // HashSet(Collection c) sizes its table for max(c.size() / .75f + 1, 16) entries.
    let capacity = ((first.len() as f32 / 0.75) as usize + 1).max(16);
    let mut keys = first;
    for key in second {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    hash_set_order(keys, capacity)
}

fn bucket(key: &str, table: usize) -> usize {
    let hash = key.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    });
    let spread = (hash as u32) ^ ((hash as u32) >> 16);
    (spread as usize) & (table - 1)
}
