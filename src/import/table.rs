//! One collection of the snapshot being built, indexed by id, with the
//! duplicate rules of the importer.
//!
//! The same resource may come from several files: two captures, folders per
//! region, or a list call next to a describe call (ListDomains and
//! DescribeDomain). Identical copies are kept once, silently. A more complete
//! view (higher `rank`: describe beats list) wins and is completed with what
//! only the other one says. Of two different views of the same rank, the
//! one whose JSON sorts first is kept, whatever the order and names of the
//! files (the audit must not depend on them), and `duplicate-id` is raised.

use std::collections::HashMap;
use std::hash::Hash;

use crate::snapshot::Diagnostic;

/// How two views of the same resource combine.
pub(crate) trait Record: Clone + PartialEq + serde::Serialize {
    /// Complete `self` with what only `other`, a less complete view of the
    /// same resource, says.
    fn fill_from(&mut self, _other: &Self) {}

    /// Combine two different views of the same rank. `false` = they
    /// contradict each other (and `self` is left as it was).
    fn merge_peer(&mut self, _other: &Self) -> bool {
        false
    }
}

#[derive(Debug)]
struct Entry<T> {
    item: T,
    rank: u8,
    file: String,
}

#[derive(Debug)]
pub(crate) struct Table<K, T> {
    entries: Vec<Entry<T>>,
    index: HashMap<K, usize>,
}

impl<K, T> Default for Table<K, T> {
    fn default() -> Self {
        Table {
            entries: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<K: Eq + Hash, T: Record> Table<K, T> {
    /// Add one view of a resource found in `file`. `id` names it in a
    /// `duplicate-id` warning.
    pub fn insert(
        &mut self,
        key: K,
        id: &str,
        item: T,
        rank: u8,
        file: &str,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some(&i) = self.index.get(&key) else {
            self.index.insert(key, self.entries.len());
            self.entries.push(Entry {
                item,
                rank,
                file: file.to_string(),
            });
            return;
        };
        let e = &mut self.entries[i];
        if e.item == item {
            return;
        }
        if rank > e.rank {
            let less = std::mem::replace(&mut e.item, item);
            e.item.fill_from(&less);
            e.rank = rank;
        } else if rank < e.rank {
            e.item.fill_from(&item);
        } else if !e.item.merge_peer(&item) {
            let json = |x: &T| serde_json::to_string(x).unwrap_or_default();
            let keep_new = json(&item) < json(&e.item);
            let msg = if e.file == file {
                format!("{id} appears twice in {file} with different contents; keeping one of them")
            } else {
                let kept = if keep_new { file } else { e.file.as_str() };
                format!(
                    "{id} is in {} and in {file} with different contents; keeping the one in {kept}",
                    e.file
                )
            };
            if keep_new {
                e.item = item;
                e.file = file.to_string();
            }
            diags.push(
                Diagnostic::warning("duplicate-id", msg)
                    .with_file(file)
                    .with_ids([id]),
            );
        }
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut T> {
        let i = *self.index.get(key)?;
        Some(&mut self.entries[i].item)
    }

    pub fn get(&self, key: &K) -> Option<&T> {
        let i = *self.index.get(key)?;
        Some(&self.entries[i].item)
    }

    pub fn contains(&self, key: &K) -> bool {
        self.index.contains_key(key)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.entries.iter().map(|e| &e.item)
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.entries.iter_mut().map(|e| &mut e.item)
    }

    pub fn into_vec(self) -> Vec<T> {
        self.entries.into_iter().map(|e| e.item).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, serde::Serialize)]
    struct R {
        a: Option<u32>,
        b: Option<u32>,
    }

    impl Record for R {
        fn fill_from(&mut self, o: &Self) {
            self.a = self.a.or(o.a);
            self.b = self.b.or(o.b);
        }
    }

    #[test]
    fn identical_kept_once_differing_warns_and_keeps_first() {
        let mut t: Table<String, R> = Table::default();
        let mut d = Vec::new();
        let r1 = R {
            a: Some(1),
            b: None,
        };
        t.insert("x".into(), "x", r1.clone(), 0, "f1", &mut d);
        t.insert("x".into(), "x", r1.clone(), 0, "f2", &mut d);
        assert!(d.is_empty());
        t.insert(
            "x".into(),
            "x",
            R {
                a: Some(2),
                b: None,
            },
            0,
            "f3",
            &mut d,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "duplicate-id");
        assert!(d[0].message.contains("f1") && d[0].message.contains("f3"));
        assert_eq!(t.get(&"x".to_string()), Some(&r1));
    }

    /// Issue 6 (determinism, found by the file-order property): of two
    /// contradicting views, the same one is kept whichever file comes first.
    #[test]
    fn contradicting_views_keep_the_same_one_in_any_file_order() {
        let one = R {
            a: Some(1),
            b: None,
        };
        let two = R {
            a: Some(2),
            b: None,
        };
        for (first, second) in [(&one, &two), (&two, &one)] {
            let mut t: Table<String, R> = Table::default();
            let mut d = Vec::new();
            t.insert("x".into(), "x", first.clone(), 0, "f1", &mut d);
            t.insert("x".into(), "x", second.clone(), 0, "f2", &mut d);
            assert_eq!(t.get(&"x".to_string()), Some(&one));
            assert_eq!(d.len(), 1);
            let kept = if first == &one { "f1" } else { "f2" };
            assert!(
                d[0].message
                    .ends_with(&format!("keeping the one in {kept}")),
                "{}",
                d[0].message
            );
        }
    }

    #[test]
    fn higher_rank_wins_and_is_completed() {
        let mut t: Table<String, R> = Table::default();
        let mut d = Vec::new();
        t.insert(
            "x".into(),
            "x",
            R {
                a: Some(1),
                b: Some(5),
            },
            0,
            "list",
            &mut d,
        );
        t.insert(
            "x".into(),
            "x",
            R {
                a: Some(2),
                b: None,
            },
            1,
            "describe",
            &mut d,
        );
        t.insert(
            "x".into(),
            "x",
            R {
                a: Some(3),
                b: Some(6),
            },
            0,
            "list2",
            &mut d,
        );
        assert!(d.is_empty());
        assert_eq!(
            t.into_vec(),
            [R {
                a: Some(2),
                b: Some(5)
            }]
        );
    }
}
