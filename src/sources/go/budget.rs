//! The step budget of one Go file's evaluation: each question (a registration, an entry point)
//! gets a fresh allowance and the whole file a larger one, so no input can make the evaluator
//! run without bound. Knows nothing of what the steps are spent on.

use std::cell::Cell;

/// Evaluation steps allowed for one registration or entry point.
const QUERY_FUEL: u32 = 20_000;
/// Evaluation steps allowed for the whole file; past it each question gets [`FLOOR_FUEL`].
const FILE_FUEL: u32 = 2_000_000;
/// Steps a question always gets, enough for a literal pattern and a plain handler.
const FLOOR_FUEL: u32 = 500;

/// The steps left for the current question and for the whole file.
pub(crate) struct Budget {
    fuel: Cell<u32>,
    file_fuel: Cell<u32>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            fuel: Cell::new(QUERY_FUEL),
            file_fuel: Cell::new(FILE_FUEL),
        }
    }
}

impl Budget {
    /// Starts a new question with a fresh step budget.
    pub(crate) fn refuel(&self) {
        let fuel = if self.file_fuel.get() > 0 {
            QUERY_FUEL
        } else {
            FLOOR_FUEL
        };
        self.fuel.set(fuel);
    }

    /// Spends one step; `false` when the question has none left.
    pub(crate) fn burn(&self) -> bool {
        let f = self.fuel.get();
        if f == 0 {
            return false;
        }
        self.fuel.set(f - 1);
        self.file_fuel.set(self.file_fuel.get().saturating_sub(1));
        true
    }
}
