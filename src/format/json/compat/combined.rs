//! `CombinedSchemaDiff`: `allOf`/`anyOf`/`oneOf` against each other, their criteria first, then
//! their subschemas paired by a maximum matching of compatible pairs.

use super::{is_compatible, Differ, Found};
use crate::format::json::difference::{DiffType::*, Difference};
use crate::format::json::model::{Criterion, Model, NodeId};

impl Differ<'_> {
    /// `CombinedSchemaDiff`: criteria, then a maximum matching of compatible subschema pairs.
    pub(super) fn compare_combined(
        &mut self,
        found: &mut Found,
        (oc, os): (Criterion, &[NodeId]),
        (uc, us): (Criterion, &[NodeId]),
    ) {
        let singleton = |subs: &[NodeId]| subs.len() == 1;
        if oc != uc {
            let extended = uc == Criterion::Any
                || (singleton(os) && singleton(us))
                || (singleton(os) && uc == Criterion::One)
                || (singleton(us) && oc == Criterion::All);
            if !extended {
                found.add(COMBINED_TYPE_CHANGED);
                return;
            }
            found.add(COMBINED_TYPE_EXTENDED);
        }
        let os = distinct(self.original, os);
        let us = distinct(self.update, us);
        if os.len() < us.len() {
            found.add(if uc == Criterion::All {
                PRODUCT_TYPE_EXTENDED
            } else {
                SUM_TYPE_EXTENDED
            });
        } else if os.len() > us.len() {
            found.add(if oc == Criterion::All {
                PRODUCT_TYPE_NARROWED
            } else {
                SUM_TYPE_NARROWED
            });
        }
        let mut edges: Vec<Vec<Option<Vec<Difference>>>> = Vec::with_capacity(os.len());
        for (i, o) in os.iter().enumerate() {
            let segment = format!("{}/{i}", oc.keyword());
            let row = us
                .iter()
                .map(|u| {
                    let inner = self.compare(Some(*o), Some(*u));
                    is_compatible(&inner).then(|| {
                        let mut nested = Found::default();
                        nested.nest(&segment, inner);
                        nested.0
                    })
                })
                .collect();
            edges.push(row);
        }
        let matching = maximum_matching(&edges);
        for (i, j) in &matching {
            if let Some(Some(differences)) = edges.get(*i).and_then(|row| row.get(*j)) {
                found.extend(differences.clone());
            }
        }
        if matching.len() < os.len().min(us.len()) {
            found.add(COMBINED_TYPE_SUBSCHEMAS_CHANGED);
        }
    }
}

/// The subschemas without repeats, as Confluent collects them into a `LinkedHashSet`.
fn distinct(model: &Model, subschemas: &[NodeId]) -> Vec<NodeId> {
    let mut kept: Vec<NodeId> = Vec::new();
    for id in subschemas {
        if !kept.iter().any(|k| model.source(*k) == model.source(*id)) {
            kept.push(*id);
        }
    }
    kept
}

/// A maximum bipartite matching over the compatible pairs (Kuhn's augmenting paths).
fn maximum_matching<T>(edges: &[Vec<Option<T>>]) -> Vec<(usize, usize)> {
    fn augment<T>(
        i: usize,
        edges: &[Vec<Option<T>>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for (j, edge) in edges[i].iter().enumerate() {
            if edge.is_none() || seen[j] {
                continue;
            }
            seen[j] = true;
            if owner[j].is_none_or(|k| augment(k, edges, seen, owner)) {
                owner[j] = Some(i);
                return true;
            }
        }
        false
    }
    let columns = edges.first().map_or(0, Vec::len);
    let mut owner: Vec<Option<usize>> = vec![None; columns];
    for i in 0..edges.len() {
        let mut seen = vec![false; columns];
        augment(i, edges, &mut seen, &mut owner);
    }
    let mut pairs: Vec<(usize, usize)> = owner
        .iter()
        .enumerate()
        .filter_map(|(j, i)| i.map(|i| (i, j)))
        .collect();
    pairs.sort_unstable();
    pairs
}
