//! `streams/core/replay.py`: the orders, buyers and identities stages in one process, over
//! native maps instead of Faust tables.

use crate::collections::HashMap;

use crate::alert::Alert;
use crate::buyer_state::BuyerState;
use crate::buyers::{is_buyer_event, step_buyer, suppress_group};
use crate::event::Event;
use crate::linking::LinkedAccounts;
use crate::lists::ListBook;
use crate::orders::{idle, step_order, OrderState};
use crate::rules::RuleSet;
use crate::sweep::Sweeper;

/// `Replay`: feeding the events of a stream in arrival order gives the alerts, with the
/// same ids, that the streaming stages give, because both run the same steps.
pub struct Replay {
    pub rules: RuleSet,
    pub lists: Option<ListBook>,
    pub identities: Option<LinkedAccounts>,
    // boxed: a growing map moves its entries, and a state is hundreds of bytes
    pub orders: HashMap<String, Box<OrderState>>,
    pub buyers: HashMap<String, Box<BuyerState>>,
    /// The alerts an allow entry suppressed, in order (never returned by `feed`).
    pub suppressed: Vec<Alert>,
    sweeper: Sweeper,
}

impl Replay {
    pub fn new(rules: RuleSet, lists: Option<ListBook>, identities: Option<LinkedAccounts>) -> Self {
        Replay {
            rules,
            lists,
            identities,
            orders: HashMap::default(),
            buyers: HashMap::default(),
            suppressed: Vec::new(),
            sweeper: Sweeper::new(),
        }
    }

    /// `Replay.feed`: run one validated event through the stages; the alerts it raised
    /// (suppressed ones go to `suppressed`).
    pub fn feed(&mut self, event: Event) -> Vec<Alert> {
        let forward = match event.order_id.as_deref() {
            Some(order_id) if !order_id.is_empty() => {
                let order_id = order_id.to_string();
                let occurred_at = event.occurred_at.clone();
                let forward = match self.orders.get_mut(&order_id) {
                    Some(state) => step_order(state, event),
                    None => {
                        let mut state = Box::new(OrderState::new());
                        let forward = step_order(&mut state, event);
                        self.orders.insert(order_id, state);
                        forward
                    }
                };
                if let Some(before) = self.sweeper.due(0, &occurred_at) {
                    self.orders.retain(|_, v| !idle(v, &before));
                }
                if forward.is_empty()
                    || (forward.len() == 1 && !is_buyer_event(forward[0].etype))
                {
                    return Vec::new();
                }
                forward
            }
            _ => vec![event], // a buyer.message without an order: forwarded as it is
        };
        let mut alerts = Vec::new();
        for ev in forward {
            if !is_buyer_event(ev.etype) {
                continue;
            }
            let state: &mut BuyerState = match self.buyers.get_mut(ev.buyer()) {
                Some(state) => state,
                None => self.buyers.entry(ev.buyer().to_string()).or_insert_with(|| Box::new(BuyerState::new())),
            };
            let mut raised = step_buyer(state, &ev, &self.rules, self.lists.as_ref());
            if let Some(identities) = self.identities.as_mut() {
                let mut linked = identities.feed(&ev, Some(state));
                if !linked.is_empty() {
                    if let Some(lists) = self.lists.as_ref().filter(|l| !l.is_empty()) {
                        for alert in linked.iter_mut() {
                            suppress_group(alert, lists, ev.t);
                        }
                    }
                }
                raised.append(&mut linked);
            }
            if !raised.is_empty() {
                if self.lists.as_ref().is_some_and(|l| !l.is_empty()) {
                    for alert in raised {
                        if alert.suppressed.is_some() {
                            self.suppressed.push(alert);
                        } else {
                            alerts.push(alert);
                        }
                    }
                } else {
                    alerts.append(&mut raised);
                }
            }
        }
        alerts
    }
}
