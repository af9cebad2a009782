//! What devices may read and record while a flow is evaluated: the
//! topology, the flow's atoms (symbolic addresses), the caches shared with
//! the other evaluations of a run, the settings, and the notes and
//! finished branches of this evaluation.

use crate::findings::{Label, Note};

use crate::graph::Topology;

use super::atoms::Atoms;
use super::branch::Branch;
use super::cache::{Cache, Sig};
use super::Settings;

pub(super) struct Ctx<'a> {
    pub topo: &'a Topology,
    pub atoms: Atoms,
    pub settings: &'a Settings,
    pub notes: Vec<Note>,
    pub leaves: Vec<Branch>,
    /// Virtual destination, if any: (atom address, subnet, groups, label).
    pub virtual_dst: Option<(u64, String, Vec<String>, Label)>,
    /// The answer is shared between sources (`memo.rs`): the source's app
    /// ENI is named [`Label::Source`](crate::findings::Label::Source), filled in when given out.
    pub shared: bool,
    /// Filter answers shared with the other evaluations of the run.
    pub cache: &'a mut Cache,
    /// This evaluation's atoms as cache signature ids.
    pub sig: Option<Sig>,
}

impl<'a> Ctx<'a> {
    /// How the witness names the app ENI labelled `label`: by the label,
    /// or, in an answer shared between sources, as the source.
    pub(super) fn app_label(&self, label: &str) -> Label {
        if self.shared {
            Label::Source
        } else {
            Label::Of(label.to_string())
        }
    }

    /// The atoms' cache signature, recomputed only when an atom was added.
    pub(super) fn sig(&mut self) -> Sig {
        match self.sig {
            Some(s) if s.atoms == self.atoms.len() => s,
            _ => {
                let s = self.cache.sig(&self.atoms);
                self.sig = Some(s);
                s
            }
        }
    }

    pub(super) fn atoms_mut(&mut self) -> &mut Atoms {
        &mut self.atoms
    }
    pub(super) fn topo(&self) -> &'a Topology {
        self.topo
    }
    pub(super) fn settings(&self) -> &'a Settings {
        self.settings
    }
    pub(super) fn note(&mut self, n: Note) {
        self.notes.push(n);
    }
}
