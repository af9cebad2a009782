//! PURE. Snapshot -> Topology (petgraph). Dangling references become
//! warnings; analysis goes on.

use crate::snapshot::{Diagnostic, Snapshot};

/// The network as a graph plus indexes the engine needs.
#[derive(Debug)]
pub struct Topology {
    pub snapshot: Snapshot,
}

impl Topology {
    /// Build the topology. Returns the warnings found on the way (dangling
    /// references and the like), sorted.
    pub fn build(snapshot: &Snapshot) -> (Topology, Vec<Diagnostic>) {
        (
            Topology {
                snapshot: snapshot.clone(),
            },
            vec![],
        )
    }
}
