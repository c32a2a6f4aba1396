//! [`Shared<T>`]: an `Rc` whose equality is identity.
//!
//! Props and state hold the model's big values (the timeline, a frame, a lesson) through it,
//! so that comparing them costs one pointer comparison and a changed value is a new pointer.
//! This is the memo of every component: equal props skip the render.

use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

/// A reference-counted value compared by pointer: two `Shared`s are equal when they are the
/// same allocation, whatever the values inside.
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Rc::new(value))
    }

    /// The same allocation: what `==` tests.
    pub fn ptr_eq(a: &Shared<T>, b: &Shared<T>) -> bool {
        Rc::ptr_eq(&a.0, &b.0)
    }
}

impl<T: Clone> Shared<T> {
    /// A new `Shared` holding `f` applied to a copy of this value (the value is only copied
    /// when someone else holds it too). The result is a new pointer: it compares unequal.
    pub fn update(self, f: impl FnOnce(&mut T)) -> Shared<T> {
        let mut value = Rc::unwrap_or_clone(self.0);
        f(&mut value);
        Shared::new(value)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Shared<T>) -> bool {
        Shared::ptr_eq(self, other)
    }
}

impl<T> Eq for Shared<T> {}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Shared<T> {
        Shared::new(value)
    }
}

impl<T: Default> Default for Shared<T> {
    fn default() -> Shared<T> {
        Shared::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_identity_not_value() {
        let a = Shared::new(vec![1, 2]);
        let b = Shared::new(vec![1, 2]);
        assert_ne!(a, b, "equal values in two allocations differ");
        assert_eq!(a, a.clone());
    }

    #[test]
    fn an_update_is_a_new_pointer_and_leaves_other_holders_alone() {
        let a = Shared::new(vec![1]);
        let kept = a.clone();
        let b = a.update(|v| v.push(2));
        assert_eq!(*kept, vec![1]);
        assert_eq!(*b, vec![1, 2]);
        assert_ne!(kept, b);
    }
}
